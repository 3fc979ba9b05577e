package foldwl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
)

// controlTimeout bounds each request on the control connection, which no fault touches; a
// fresh R3 stream on a loaded machine can be slow to answer.
const controlTimeout = 30 * time.Second

func streamOf(bucket string) string { return "KV_" + bucket }

// keyName is the writer's i-th key; the operator acts on the same names.
func keyName(i int) string { return fmt.Sprintf("k%02d", i) }

// keySubject is the stream subject of key in bucket ("" gives the bucket's subject prefix).
func keySubject(bucket, key string) string { return "$KV." + bucket + "." + key }

// kvRecord is one message of a bucket's stream as a Record: a delete or purge marker (its
// KV-Operation header) or a value.
func kvRecord(seq uint64, key string, h nats.Header, data []byte) Record {
	op := h.Get("KV-Operation")
	return Record{Seq: seq, Key: key, Delete: op == "DEL" || op == "PURGE", Value: string(data)}
}

// createBuckets creates the writer's bucket, the pointer bucket and the object store, and
// lifts the buckets' per-key history limit so every revision can be read back after the run.
// With allowDeletes the writer's bucket is re-created, before any write, without the
// deny_delete every KV stream has (which a stream update cannot lift), so that an operator can
// delete single messages.
func createBuckets(ctx context.Context, nc *nats.Conn, bucket string, allowDeletes bool) (kv.Incarnation, error) {
	var inc kv.Incarnation
	conn, err := natsstore.FromClient(nc, natsstore.Config{RequestTimeout: controlTimeout})
	if err != nil {
		return inc, err
	}
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(controlTimeout))
	if err != nil {
		return inc, err
	}
	for _, b := range []string{bucket, pointerBucket} {
		// Right after the cluster forms the meta leader may refuse three replicas for a few
		// seconds: retry until ctx ends.
		var s *natsstore.Store
		if err := retry(ctx, func() (err error) { s, err = conn.OpenBucket(ctx, storeConfig(b)); return err }); err != nil {
			return inc, fmt.Errorf("fold workload: create bucket %s: %w", b, err)
		}
		if b == bucket && allowDeletes {
			if s, err = recreateAllowingDeletes(ctx, js, conn, b); err != nil {
				return inc, err
			}
		}
		if b == bucket {
			// The folds store this incarnation, and publish and import under its pointer keys.
			if inc, err = s.Incarnation(ctx); err != nil {
				return inc, fmt.Errorf("fold workload: incarnation of %s: %w", b, err)
			}
		}
		st, err := js.Stream(ctx, streamOf(b))
		if err != nil {
			return inc, fmt.Errorf("fold workload: look up %s: %w", streamOf(b), err)
		}
		cfg := st.CachedInfo().Config
		cfg.MaxMsgsPerSubject = 1 << 30 // positive: nats.go binds only streams with a per-key limit
		if _, err := js.UpdateStream(ctx, cfg); err != nil {
			return inc, fmt.Errorf("fold workload: keep every revision of %s: %w", streamOf(b), err)
		}
	}
	err = retry(ctx, func() error {
		_, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: objectBucket, Replicas: 3})
		return err
	})
	if err != nil {
		return inc, fmt.Errorf("fold workload: create object store %s: %w", objectBucket, err)
	}
	return inc, nil
}

// recreateAllowingDeletes deletes the (still empty) stream of bucket and creates it again with
// the same configuration but deny_delete off, then opens the bucket again.
func recreateAllowingDeletes(ctx context.Context, js jetstream.JetStream, conn *natsstore.Conn, bucket string) (*natsstore.Store, error) {
	st, err := js.Stream(ctx, streamOf(bucket))
	if err != nil {
		return nil, fmt.Errorf("fold workload: look up %s: %w", streamOf(bucket), err)
	}
	cfg := st.CachedInfo().Config
	cfg.DenyDelete = false
	if err := js.DeleteStream(ctx, cfg.Name); err != nil {
		return nil, fmt.Errorf("fold workload: re-create %s allowing message deletes: %w", cfg.Name, err)
	}
	if err := retry(ctx, func() error { _, err := js.CreateStream(ctx, cfg); return err }); err != nil {
		return nil, fmt.Errorf("fold workload: re-create %s allowing message deletes: %w", cfg.Name, err)
	}
	var s *natsstore.Store
	err = retry(ctx, func() (err error) { s, err = conn.OpenBucket(ctx, storeConfig(bucket)); return err })
	if err != nil {
		return nil, fmt.Errorf("fold workload: open re-created bucket %s: %w", bucket, err)
	}
	return s, nil
}

// retry calls f every 250 ms until it succeeds or ctx ends (then it returns f's last error).
func retry(ctx context.Context, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// readStream reads a bucket's stream back from sequence 1 to its last sequence, keys trimmed
// of the bucket's subject prefix. Sequences an operator removed are simply absent.
func readStream(ctx context.Context, nc *nats.Conn, bucket string) ([]Record, error) {
	st, err := bucketStream(ctx, nc, bucket)
	if err != nil {
		return nil, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("read back %s: %w", streamOf(bucket), err)
	}
	return readRecords(ctx, st, bucket, "", info.State.LastSeq, info.State.Msgs)
}

// bucketStream looks up a bucket's stream on the control connection.
func bucketStream(ctx context.Context, nc *nats.Conn, bucket string) (jetstream.Stream, error) {
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(controlTimeout))
	if err != nil {
		return nil, err
	}
	st, err := js.Stream(ctx, streamOf(bucket))
	if err != nil {
		return nil, fmt.Errorf("read back %s: %w", streamOf(bucket), err)
	}
	return st, nil
}

// readRecords reads the stream's records up to sequence last, only those of key when key is
// not empty, and stops early once it has want records (the stream's message count: messages an
// operator removed leave sequences that never arrive, the last one included).
func readRecords(ctx context.Context, st jetstream.Stream, bucket, key string, last, want uint64) ([]Record, error) {
	if last == 0 || want == 0 {
		return nil, nil
	}
	prefix := keySubject(bucket, "")
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if key != "" {
		cfg.FilterSubjects = []string{prefix + key}
	}
	cons, err := st.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("read back %s: %w", streamOf(bucket), err)
	}
	var out []Record
	for len(out) == 0 || out[len(out)-1].Seq < last && uint64(len(out)) < want {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("read back %s: %d of %d records: %w", streamOf(bucket), len(out), want, err)
		}
		// Ask for no more than is left: a fetch returns as soon as its batch is full, and
		// otherwise waits out its whole MaxWait.
		batch, err := cons.Fetch(int(min(1000, want-uint64(len(out)))), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return out, fmt.Errorf("read back %s: %w", streamOf(bucket), err)
		}
		for m := range batch.Messages() {
			meta, err := m.Metadata()
			if err != nil || meta.Sequence.Stream > last {
				continue
			}
			out = append(out, kvRecord(meta.Sequence.Stream, strings.TrimPrefix(m.Subject(), prefix), m.Headers(), m.Data()))
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return out, fmt.Errorf("read back %s: %w", streamOf(bucket), err)
		}
	}
	return out, nil
}

// clientConn connects through the proxies, homed on node home and failing over to the others,
// noticing a blackholed link within about a second.
func (w *Folds) clientConn(name string, home int) (*nats.Conn, *natsstore.Conn, error) {
	nc, err := nats.Connect(w.env.Cluster.ClientURLs(home), nats.Name("chaos-folds-"+name),
		nats.DontRandomize(), nats.IgnoreDiscoveredServers(),
		nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.RetryOnFailedConnect(true),
		nats.PingInterval(300*time.Millisecond), nats.MaxPingsOutstanding(3))
	if err != nil {
		return nil, nil, fmt.Errorf("fold workload: %s: connect: %w", name, err)
	}
	conn, err := natsstore.FromClient(nc, natsstore.Config{RequestTimeout: w.opts.RequestTimeout})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, conn, nil
}

// openBucket opens bucket on conn, retrying for up to 30 s (or until ctx ends) while faults
// make the stream unavailable.
func openBucket(ctx context.Context, conn *natsstore.Conn, bucket string) (*natsstore.Store, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var s *natsstore.Store
	err := retry(octx, func() error {
		var err error
		s, err = conn.OpenBucket(octx, storeConfig(bucket))
		return err
	})
	return s, err
}
