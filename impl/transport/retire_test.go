package transport

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
)

// artifactOf is artifactAt for a fold of the incarnation inc (zero: none recorded).
func artifactOf(t *testing.T, inc kv.Incarnation, rev uint64, n int) string {
	t.Helper()
	dir := t.TempDir()
	st, err := appendlog.Open(filepath.Join(dir, "fold.log"), appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var batch []kv.Update
	for i := range n {
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k.%d", i), Value: []byte(fmt.Sprint(rev)), Version: kv.VersionFromUint64(uint64(i + 1))})
	}
	stamp := snapshot.Stamp{Stream: inc}
	if !inc.IsZero() {
		stamp.Contact = inc.Created()
	}
	if err := st.ApplyStamped(batch, kv.CursorFromUint64(rev), stamp); err != nil {
		t.Fatal(err)
	}
	art := filepath.Join(dir, "artifact")
	if _, err := st.Export(art); err != nil {
		t.Fatal(err)
	}
	return art
}

func incAt(t *testing.T, bucket string, sec int64) kv.Incarnation {
	t.Helper()
	inc, err := kv.NewIncarnation(bucket, time.Unix(sec, 0))
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// payloadsUnder lists the payload names stored under key.
func payloadsUnder(t *testing.T, tr *Remote, key string) []string {
	t.Helper()
	objs, err := tr.objs.list(tctx(t), payloadPrefix(key))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.name)
	}
	slices.Sort(names)
	return names
}

func publishAt(t *testing.T, tr Transport, key, art string) {
	t.Helper()
	if out, err := Upload(tctx(t), tr, key, art); err != nil || out.Status != Published {
		t.Fatalf("publish under %s: %+v, %v", key, out, err)
	}
}

// PruneRetired takes, once past the grace, exactly the payloads and pointers of incarnations
// created before the live one: an orphan payload (no pointer) of one too. It leaves the live
// incarnation (every payload, even one K2 would prune), a later incarnation, the zero
// incarnation's bare key, a key whose pointer names another bucket, and keys it did not
// write; and a second prune finds nothing.
func TestPruneRetiredTakesOnlyEarlierIncarnationsPastTheGrace(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		c := &clock{}
		c.ns.Store(time.Now().UnixNano())
		tr.Now = c.now
		old, orphan, live, newer := incAt(t, "routes", 1000), incAt(t, "routes", 1001), incAt(t, "routes", 2000), incAt(t, "routes", 3000)
		oldKey, liveKey := PointerKey("fold", old), PointerKey("fold", live)
		publishAt(t, tr, oldKey, artifactOf(t, old, 3, 1))
		publishAt(t, tr, oldKey, artifactOf(t, old, 5, 2))
		if _, err := tr.UploadPayload(tctx(t), PointerKey("fold", orphan), artifactOf(t, orphan, 4, 1)); err != nil {
			t.Fatal(err)
		}
		publishAt(t, tr, liveKey, artifactOf(t, live, 1, 1))
		publishAt(t, tr, liveKey, artifactOf(t, live, 2, 2))
		publishAt(t, tr, PointerKey("fold", newer), artifactOf(t, newer, 1, 1))
		publishAt(t, tr, "fold", artifactOf(t, kv.Incarnation{}, 9, 1))
		foreignKey := PointerKey("fold", incAt(t, "other", 1500)) // an earlier time, another bucket
		publishAt(t, tr, foreignKey, artifactOf(t, incAt(t, "other", 1500), 7, 1))
		for _, name := range []string{"fold.i0042.payloads/x.tar", "fold.ix.payloads/y.tar"} {
			if err := tr.objs.put(tctx(t), name, strings.NewReader("not ours")); err != nil {
				t.Fatal(err)
			}
		}
		kept := map[string][]string{}
		for _, k := range []string{liveKey, PointerKey("fold", newer), "fold", foreignKey, "fold.i0042", "fold.ix"} {
			kept[k] = payloadsUnder(t, tr, k)
		}

		if got, err := tr.PruneRetired(tctx(t), "fold", live, time.Hour); err != nil || got != (RetiredPruned{}) {
			t.Fatalf("PruneRetired within the grace = %+v, %v; want nothing", got, err)
		}
		if n := len(payloadsUnder(t, tr, oldKey)); n != 2 {
			t.Fatalf("within the grace %d old payloads are left, want 2", n)
		}
		if got, err := tr.PruneRetired(tctx(t), "fold", kv.Incarnation{}, 0); err != nil || got != (RetiredPruned{}) {
			t.Fatalf("PruneRetired with no live incarnation = %+v, %v; want nothing", got, err)
		}
		c.advance(2 * time.Hour)
		got, err := tr.PruneRetired(tctx(t), "fold", live, time.Hour)
		if err != nil || got != (RetiredPruned{Payloads: 3, Pointers: 1}) {
			t.Fatalf("PruneRetired past the grace = %+v, %v; want 3 payloads (2 old, 1 orphan) and 1 pointer", got, err)
		}
		for _, k := range []string{oldKey, PointerKey("fold", orphan)} {
			if left := payloadsUnder(t, tr, k); len(left) != 0 {
				t.Fatalf("%s still holds %v", k, left)
			}
		}
		if _, _, err := tr.Pointer(tctx(t), oldKey); !errors.Is(err, ErrNoPointer) {
			t.Fatalf("the old pointer after the prune: %v, want ErrNoPointer", err)
		}
		for k, want := range kept {
			if got := payloadsUnder(t, tr, k); !slices.Equal(got, want) || len(want) == 0 {
				t.Fatalf("%s holds %v after the prune, want %v untouched", k, got, want)
			}
			if k == "fold.i0042" || k == "fold.ix" {
				continue
			}
			if _, _, err := tr.Pointer(tctx(t), k); err != nil {
				t.Fatalf("the pointer of %s after the prune: %v", k, err)
			}
		}
		if _, cur := importFold(t, tr, liveKey); cur != kv.CursorFromUint64(2) {
			t.Fatalf("the live incarnation imports at %v, want 2", cur)
		}
		if got, err := tr.PruneRetired(tctx(t), "fold", live, time.Hour); err != nil || got != (RetiredPruned{}) {
			t.Fatalf("a second prune = %+v, %v; want nothing", got, err)
		}
	})
}

// A stale exporter that publishes into the old incarnation's key while the prune decides
// about its pointer wins: the pointer's delete is a compare-and-swap on the version the prune
// read, so the new pointer and its young payload stay. (The directory transport decides under
// the pointer's lock, so its publish waits for the prune and is not raced here.)
func TestRetiredPointerDeleteLosesToAConcurrentPublish(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	c := &clock{}
	c.ns.Store(time.Now().UnixNano())
	tr.Now = c.now
	old, live := incAt(t, "routes", 1000), incAt(t, "routes", 2000)
	oldKey := PointerKey("fold", old)
	publishAt(t, tr, oldKey, artifactOf(t, old, 3, 1))
	late := artifactOf(t, old, 8, 2)
	c.advance(2 * time.Hour)
	tr.beforePointerDelete = func() {
		tr.beforePointerDelete = nil
		publishAt(t, tr, oldKey, late)
	}
	got, err := tr.PruneRetired(tctx(t), "fold", live, time.Hour)
	if err != nil || got != (RetiredPruned{Payloads: 1}) {
		t.Fatalf("PruneRetired = %+v, %v; want the old payload only, the pointer kept", got, err)
	}
	if cur := pointerCursorAt(t, tr, oldKey); cur != kv.CursorFromUint64(8) {
		t.Fatalf("the old key's pointer at %v, want the late publish at 8", cur)
	}
	if _, cur := importFold(t, tr, oldKey); cur != kv.CursorFromUint64(8) {
		t.Fatalf("the late artifact imports at %v, want 8", cur)
	}
}
