package natsstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/internal/embedded"
)

// Records purged while a listing drains are never delivered, although its consumer counted
// them at creation: the listing still completes, without them, instead of stalling until the
// request timeout and failing (which would also fail every reconciliation overlapping a purge).
func TestListingCompletesWhenRecordsArePurgedMidway(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	d := openTestBucket(t, srv, Config{URL: srv.URL(), RequestTimeout: 20 * time.Second}, "purgemid")
	var want []string
	for i := range 20 {
		key := fmt.Sprintf("k.%02d", i)
		d.put(key, "v")
		if i < 15 {
			want = append(want, key)
		}
	}
	d.store.hooks.consumerCreated = func(string) {
		st, err := d.js.Stream(testCtx(t), "KV_purgemid")
		if err != nil {
			t.Error(err)
			return
		}
		for i := 15; i < 20; i++ { // an operator's subject purges, after the consumer counted them
			if err := st.Purge(testCtx(t), jetstream.WithPurgeSubject(fmt.Sprintf("$KV.purgemid.k.%02d", i))); err != nil {
				t.Error(err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second) // below the request timeout
	defer cancel()
	got, err := d.store.Keys(ctx, "")
	if err != nil {
		t.Fatalf("listing with records purged midway: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
}
