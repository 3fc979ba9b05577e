package transport

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// retired is a bucket exported twice, re-created, and exported once more inside the grace.
type retired struct {
	c              *clock // the leases' and the transport's clock
	oldKey, newKey string
	oldFold        map[string]string // what the old incarnation's last artifact holds
	b              *node             // the new incarnation's node
	live           kv.Incarnation
}

// liveRound is the round of node n with Round.Live set to the data bucket.
func (e *env) liveRound(c *clock, holder string, n *node, tr Transport) Round {
	r := e.round(e.lease(c, holder), time.Minute, n, tr)
	r.Live = e.data
	return r
}

// setupRetired runs two rounds of the old incarnation (two payloads under its key), re-creates
// the bucket and runs a round of the new one, which retires nothing yet: the old payloads are
// inside the grace (4 × the one-minute TTL). The clock starts at the real time, as the stores
// stamp objects with it.
func setupRetired(t *testing.T, e *env, tr *Remote) *retired {
	t.Helper()
	s := &retired{c: &clock{}}
	s.c.ns.Store(time.Now().UnixNano())
	tr.Now = s.c.now
	a := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	a.waitStored(e.putN("old", 10))
	s.oldKey = e.liveKey("fold")
	for i := range 2 {
		if i == 1 {
			a.waitStored(e.putN("old.more", 2))
			s.c.advance(2 * time.Minute)
		}
		res, err := RunExportRound(tctx(t), e.liveRound(s.c, "node-a", a, tr))
		if err != nil || res == nil || res.Outcome.Status != Published || res.PointerKey != s.oldKey || res.Pruned != 0 || res.Retired != (RetiredPruned{}) {
			t.Fatalf("old incarnation's round %d: %+v, %v", i, res, err)
		}
	}
	s.oldFold = a.fold()
	a.stop()

	e.recreate()
	s.newKey = e.liveKey("fold")
	var err error
	if s.live, err = e.data.Incarnation(tctx(t)); err != nil {
		t.Fatal(err)
	}
	s.b = e.startNode(filepath.Join(t.TempDir(), "b.log"))
	s.b.waitStored(e.putN("new", 3))
	s.c.advance(90 * time.Second) // the lease lapsed; the old payloads are 3½ minutes old
	res, err := RunExportRound(tctx(t), e.liveRound(s.c, "node-b", s.b, tr))
	if err != nil || res == nil || res.Outcome.Status != Published || res.PointerKey != s.newKey || res.Retired != (RetiredPruned{}) {
		t.Fatalf("new incarnation's round inside the grace: %+v, %v; want Published, nothing retired", res, err)
	}
	if n := len(payloadsUnder(t, tr, s.oldKey)); n != 2 {
		t.Fatalf("inside the grace the old key holds %d payloads, want 2", n)
	}
	if got := pointerCursorAt(t, tr, s.oldKey); got != kv.CursorFromUint64(12) {
		t.Fatalf("inside the grace the old pointer is at %v, want 12", got)
	}
	return s
}

// After the bucket is re-created, export rounds of the new incarnation leave the old one's
// artifacts alone inside the grace, and past it delete its payloads (the pointer's target
// included) and then its pointer, which a reader then finds absent; the new incarnation keeps
// its pointer's target and bootstraps as before.
func TestRecreatedBucketRoundsRetireTheOldIncarnation(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		s := setupRetired(t, e, tr)
		head := e.putN("new.more", 2)
		s.b.waitStored(head)
		s.c.advance(10 * time.Minute)
		res, err := RunExportRound(tctx(t), e.liveRound(s.c, "node-b", s.b, tr))
		if err != nil || res == nil || res.Outcome.Status != Published || res.PointerKey != s.newKey {
			t.Fatalf("new incarnation's round past the grace: %+v, %v", res, err)
		}
		if res.Retired != (RetiredPruned{Payloads: 2, Pointers: 1}) || res.Pruned != 1 {
			t.Fatalf("round pruned %d and retired %+v; want 1 older payload of the new key, and the old key's 2 payloads and pointer", res.Pruned, res.Retired)
		}
		if left := payloadsUnder(t, tr, s.oldKey); len(left) != 0 {
			t.Fatalf("the old key still holds %v", left)
		}
		if _, _, err := tr.Pointer(tctx(t), s.oldKey); !errors.Is(err, ErrNoPointer) {
			t.Fatalf("the old pointer: %v, want ErrNoPointer", err)
		}
		m, ptr, err := tr.Pointer(tctx(t), s.newKey)
		if err != nil || m.Cursor != kv.CursorFromUint64(head) {
			t.Fatalf("the new pointer: %v, %v; want it at %d", m, err, head)
		}
		if left := payloadsUnder(t, tr, s.newKey); len(left) != 1 || left[0] != payloadName(s.newKey, m, ptr) {
			t.Fatalf("the new key holds %v, want exactly its pointer's target", left)
		}
		if fold, cur := importFold(t, tr, s.newKey); cur != kv.CursorFromUint64(head) || !sameMap(fold, e.bucketState()) {
			t.Fatalf("bootstrap of the new incarnation at %v: %v, want the bucket %v", cur, fold, e.bucketState())
		}
	})
}

// A round whose Round.Live is unset never touches an earlier incarnation, however old.
func TestRoundWithoutLiveLeavesEarlierIncarnationsAlone(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	s := setupRetired(t, e, tr)
	s.c.advance(10 * time.Minute)
	res, err := RunExportRound(tctx(t), e.round(e.lease(s.c, "node-b"), time.Minute, s.b, tr))
	if err != nil || res == nil || res.Retired != (RetiredPruned{}) {
		t.Fatalf("round without Live: %+v, %v; want nothing retired", res, err)
	}
	if n := len(payloadsUnder(t, tr, s.oldKey)); n != 2 {
		t.Fatalf("the old key holds %d payloads, want 2", n)
	}
}

// A bootstrap that read the old incarnation's pointer just before the prune took its payloads
// and pointer fails detectably: the payload is missing, the re-read finds no pointer
// (ErrNoPointer), dest is never created and scratch ends empty.
func TestImportOfARetiredPointerRacingThePruneFailsDetectably(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		s := setupRetired(t, e, tr)
		s.c.advance(10 * time.Minute)
		var once sync.Once
		tr.afterPointerRead = func() {
			once.Do(func() {
				if got, err := tr.PruneRetired(tctx(t), "fold", s.live, 4*time.Minute); err != nil || got != (RetiredPruned{Payloads: 2, Pointers: 1}) {
					t.Errorf("prune under the reader = %+v, %v; want 2 payloads and the pointer", got, err)
				}
			})
		}
		dest := filepath.Join(t.TempDir(), "fold")
		_, err := ImportRemote(tctx(t), tr, s.oldKey, e.scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
		if !errors.Is(err, ErrNoPointer) {
			t.Fatalf("import racing the prune: %v, want ErrNoPointer after the missing payload", err)
		}
		if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("dest after the failed import: %v, want absent", err)
		}
		assertEmpty(t, e.scratch)
	})
}

// pruneDuringFetch runs during once, when the first bytes of a payload are written to the
// reader: a prune that lands while a download streams.
type pruneDuringFetch struct {
	objects
	during func()
	once   sync.Once
}

func (p *pruneDuringFetch) get(ctx context.Context, name string, w io.Writer) error {
	return p.objects.get(ctx, name, writerFunc(func(b []byte) (int, error) {
		p.once.Do(p.during)
		return w.Write(b)
	}))
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// A prune that takes the old incarnation's payload and pointer while a bootstrap streams that
// payload does not corrupt what the reader already has: a payload smaller than one
// object-store chunk arrives whole, and a removed file stays readable while open, so the
// bootstrap finishes with data that passed every check: exactly the old incarnation's fold at
// its cursor. (A payload of many chunks that loses its tail mid-stream fails the read instead:
// see TestFetchCutByAPruneIsAMissingPayload.)
func TestPruneDuringAFetchOfARetiredPayloadNeverYieldsWrongData(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		s := setupRetired(t, e, tr)
		s.c.advance(10 * time.Minute)
		pruned := false
		tr.objs = &pruneDuringFetch{objects: tr.objs, during: func() {
			got, err := tr.PruneRetired(tctx(t), "fold", s.live, 4*time.Minute)
			pruned = err == nil && got == (RetiredPruned{Payloads: 2, Pointers: 1})
		}}
		dest := filepath.Join(t.TempDir(), "fold")
		m, err := ImportRemote(tctx(t), tr, s.oldKey, e.scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
		if err != nil || !pruned {
			t.Fatalf("import during the prune: %v (pruned meanwhile: %v); want the payload read whole", err, pruned)
		}
		assertEmpty(t, e.scratch)
		st, err := appendlog.Open(appendlog.ImportedPath(dest), appendlog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		got := map[string]string{}
		for x, err := range st.Range("") {
			if err != nil {
				t.Fatal(err)
			}
			got[x.Key] = string(x.Value)
		}
		if m.Cursor != kv.CursorFromUint64(12) || st.Cursor() != m.Cursor || !sameMap(got, s.oldFold) {
			t.Fatalf("import during the prune gave %v at %v (manifest %v), want the old fold %v at 12", got, st.Cursor(), m.Cursor, s.oldFold)
		}
	})
}
