// Package benchseed fills a bucket with many keys quickly, for benchmarks that need a large
// stream to read: async publishes straight to the bucket's subjects through nats.go, bypassing
// the library under measurement. It uses nats.go only, so a package's own in-package
// benchmarks can use it without an import cycle.
package benchseed

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ValueLen is the size of every seeded value.
const ValueLen = 100

// chunk is how many publishes go out before waiting for their acks: below the async window
// (4096), so a slow server never stalls the publisher.
const chunk = 2000

// Publish connects to url and puts n keys into the existing bucket, key i named
// fmt.Sprintf(keyFormat, i) under the bucket's subject prefix, each with a ValueLen-byte value,
// in order (revisions 1..n on a fresh bucket). It returns the JetStream context it used (closed
// with tb's cleanup), for baselines that read the same stream with raw nats.go.
func Publish(tb testing.TB, url, bucket, keyFormat string, n int) jetstream.JetStream {
	tb.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2*chunk))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	value := make([]byte, ValueLen)
	prefix := "$KV." + bucket + "."
	for i := range n {
		if _, err := js.PublishAsync(prefix+fmt.Sprintf(keyFormat, i), value); err != nil {
			tb.Fatal(err)
		}
		if i%chunk == chunk-1 || i == n-1 {
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				tb.Fatalf("seeding %s did not complete", bucket)
			}
		}
	}
	return js
}

// DrainOrdered is the raw nats.go baseline a hydration is measured against: an ordered consumer
// of the bucket's stream, last record per subject, read until its pending count says nothing
// is left, doing nothing with the messages. It returns the number of messages read.
func DrainOrdered(tb testing.TB, js jetstream.JetStream, bucket string) uint64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	stream, err := js.Stream(ctx, "KV_"+bucket)
	if err != nil {
		tb.Fatal(err)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"$KV." + bucket + ".>"},
		DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		tb.Fatal(err)
	}
	it, err := cons.Messages()
	if err != nil {
		tb.Fatal(err)
	}
	defer it.Stop()
	pending := uint64(1)
	got := uint64(0)
	for ; got < pending; got++ {
		msg, err := it.Next()
		if err != nil {
			tb.Fatal(err)
		}
		if got == 0 {
			md, err := msg.Metadata()
			if err != nil {
				tb.Fatal(err)
			}
			pending = md.NumPending + 1 // this message plus what the consumer still holds
		}
	}
	return got
}
