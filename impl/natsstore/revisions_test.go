package natsstore

import (
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Revisions lists live keys and markers with their revisions, omits purged keys, reads its
// position before the listing, and transfers no values.
func TestRevisionsListsLatestRecordPerKeyWithoutValues(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "revs")
	big := strings.Repeat("v", 64<<10)
	va := d.put("a", big)
	d.put("b", "x")
	d.del("b")
	d.put("c", "y")
	if err := d.store.Purge(testCtx(t), "c"); err != nil {
		t.Fatal(err)
	}
	d.put("d", "z")
	if err := d.store.Purge(testCtx(t), "d"); err != nil {
		t.Fatal(err)
	}
	in := d.store.js.Conn().Stats().InBytes
	got, err := d.store.Revisions(testCtx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if moved := d.store.js.Conn().Stats().InBytes - in; moved >= uint64(len(big)) {
		t.Errorf("the listing received %d bytes: the %d-byte value was transferred", moved, len(big))
	}
	if r := got.Records["a"]; !r.Live || r.Version != va {
		t.Errorf("a = %+v, want live at %v", r, va)
	}
	if r, ok := got.Records["b"]; !ok || r.Live {
		t.Errorf("b = %+v (present %v), want its delete marker", r, ok)
	}
	// A purge leaves a purge marker: listed, not live.
	if r, ok := got.Records["c"]; !ok || r.Live {
		t.Errorf("c = %+v (present %v), want its purge marker", r, ok)
	}
	last := d.streamInfo().State.LastSeq
	if pos := rev(t, got.Position); pos != last {
		t.Errorf("position %d, want the stream's last sequence %d (nothing was written during the listing)", pos, last)
	}
	if _, err := d.store.Revisions(testCtx(t), "a..b"); err == nil {
		t.Error("an invalid prefix was accepted")
	}
	var zero *Store
	if _, err := zero.Revisions(testCtx(t), ""); !errors.Is(err, kv.ErrNotConnected) {
		t.Errorf("nil store: %v, want not connected", err)
	}
}

// Latest reads one key's latest record: a put with its value, a marker (not live), nothing for
// a subject purged by the stream API; every answer comes from the stream leader, so each is
// marked linearizable, "no record" included.
func TestLatestReadsMarkersAndPurgedSubjects(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "latest")
	va := d.put("a", "x")
	d.put("b", "y")
	d.del("b")
	d.put("c", "z")
	st, err := d.js.Stream(testCtx(t), d.store.stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(testCtx(t), jetstream.WithPurgeSubject(d.store.subjectPrefix+"c")); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if r, err := d.store.Latest(ctx, "a"); err != nil || !r.Present || !r.Live || r.Version != va || string(r.Value) != "x" || !r.Linearizable {
		t.Errorf("a = %+v, %v; want the put at %v", r, err, va)
	}
	if r, err := d.store.Latest(ctx, "b"); err != nil || !r.Present || r.Live || r.Value != nil || !r.Linearizable {
		t.Errorf("b = %+v, %v; want its delete marker", r, err)
	}
	for _, k := range []string{"c", "never"} {
		if r, err := d.store.Latest(ctx, k); err != nil || r.Present || !r.Linearizable {
			t.Errorf("%s = %+v, %v; want no record, read linearizably", k, r, err)
		}
	}
	if _, err := d.store.Latest(ctx, "a..b"); !errors.Is(err, kv.ErrInvalidKey) {
		t.Errorf("invalid key: %v", err)
	}
}
