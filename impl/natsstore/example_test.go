package natsstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// Example shows the library's core loop against a real (embedded) NATS server: write with
// compare-and-swap, watch a subtree from the start, and resume after the last applied update.
func Example() {
	srv, err := embedded.Start(embedded.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Shutdown()

	ctx := context.Background()
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	routes, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "routes"})
	if err != nil {
		log.Fatal(err)
	}

	ver, _ := routes.Put(ctx, "edge.eu-1", []byte("10.0.0.1"))
	if _, err := routes.Update(ctx, "edge.eu-1", []byte("10.0.0.2"), ver); err != nil {
		log.Fatal(err)
	}
	// A second update with the now stale version loses the race, and says so.
	_, err = routes.Update(ctx, "edge.eu-1", []byte("10.0.0.3"), ver)
	fmt.Println("stale update:", errors.Is(err, kv.ErrRevisionMismatch))
	_, _ = routes.Put(ctx, "edge.us-1", []byte("10.0.1.1"))
	_, _ = routes.Put(ctx, "core.db", []byte("10.9.0.1")) // outside the watched subtree

	// State-sync: the current value of every key under "edge.", then live updates.
	updates := make(chan kv.Update, 16)
	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- routes.Watch(watchCtx, kv.Prefix("edge"), kv.Cursor{}, updates) }()
	var last kv.Cursor
	for range 2 {
		u := <-updates
		fmt.Printf("%s %s=%s\n", u.Op, u.Key, u.Value)
		last = kv.CursorFromVersion(u.Version)
	}
	stop()
	fmt.Println("watch ended cleanly:", <-done == nil)

	// Later (say, after a restart): resume after the last applied update; only newer ones come.
	_ = routes.Delete(ctx, "edge.eu-1")
	resumeCtx, stopResume := context.WithCancel(ctx)
	defer stopResume()
	go func() { _ = routes.Watch(resumeCtx, kv.Prefix("edge"), last, updates) }()
	u := <-updates
	fmt.Printf("%s %s\n", u.Op, u.Key)

	// Output:
	// stale update: true
	// put edge.eu-1=10.0.0.2
	// put edge.us-1=10.0.1.1
	// watch ended cleanly: true
	// delete edge.eu-1
}
