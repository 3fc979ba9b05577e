package foldwl

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/lease"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/impl/transport"
)

// remote opens the NATS transport (pointer bucket and object store) on a client connection.
func remote(ctx context.Context, nc *nats.Conn, conn *natsstore.Conn) (*transport.Remote, *natsstore.Store, error) {
	ptrs, err := openBucket(ctx, conn, pointerBucket)
	if err != nil {
		return nil, nil, fmt.Errorf("open pointer bucket: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, nil, err
	}
	var objs jetstream.ObjectStore
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = retry(octx, func() error { objs, err = js.ObjectStore(octx, objectBucket); return err })
	if err != nil {
		return nil, nil, fmt.Errorf("open object store: %w", err)
	}
	tr, err := transport.NewNATS(objs, ptrs)
	return tr, ptrs, err
}

// exporter is one member of an export fleet: every half TTL it runs an export round against
// its consumer's live loop, under the fleet's lease for key, and records the pointer value
// each published round committed (a compare-and-swap decided by the stream leader).
func (w *Folds) exporter(ctx context.Context, holder, key string, c *consumer, scratch string) {
	nc, conn, err := w.clientConn("export-"+holder, c.home)
	if err != nil {
		w.noteErr("exporter "+holder, err)
		return
	}
	defer nc.Close()
	tr, ptrs, err := remote(ctx, nc, conn)
	if err != nil {
		w.count("export errors", 1)
		w.noteErr("exporter "+holder, err)
		return
	}
	l, err := lease.New(ptrs, "lease."+key, holder)
	if err != nil {
		w.noteErr("exporter "+holder, err)
		return
	}
	// The data bucket, so that every round also runs the retirement of earlier incarnations
	// under faults (the run never re-creates the bucket: it must retire nothing).
	live, err := openBucket(ctx, conn, w.opts.Bucket)
	if err != nil {
		w.count("export errors", 1)
		w.noteErr("exporter "+holder, err)
		return
	}
	ttl := w.opts.ExportTTL
	for ctx.Err() == nil {
		call := w.env.Recorder.Now()
		rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		res, err := transport.RunExportRound(rctx, transport.Round{Lease: l, TTL: ttl, Exports: c.exports,
			Transport: tr, Key: key, Scratch: scratch, Live: live})
		cancel()
		ret := w.env.Recorder.Now()
		w.logRound(holder, call, ret, res, err)
		if res != nil && res.Retired.Payloads+res.Retired.Pointers > 0 {
			// The bucket is never re-created here: anything retired was live.
			w.count("artifacts wrongly retired", res.Retired.Payloads+res.Retired.Pointers)
			w.noteErr("export round "+holder, fmt.Errorf("retired %+v of a bucket never re-created", res.Retired))
		}
		switch {
		case err != nil:
			if ctx.Err() == nil {
				w.count("export errors", 1)
				w.noteErr("export round "+holder, err)
			}
		case res == nil:
			w.count("export rounds without the lease", 1)
		case res.Outcome.Status == transport.Published:
			w.count("exports published", 1)
			rank, _ := res.Manifest.Cursor.Uint64()
			w.observe(PointerObs{Key: res.PointerKey, Source: holder, Rank: rank, Call: call, Return: ret})
		default:
			// The newer value came from a read that may be served by any replica, so it is
			// not an observation ordered in time; the swap that refused ours is.
			w.count("exports superseded", 1)
		}
		select {
		case <-ctx.Done():
		case <-time.After(ttl / 2):
		}
	}
}

// round is one export round in the report.
type round struct {
	Holder  string `json:"holder"`
	Call    int64  `json:"call_ns"`
	Return  int64  `json:"return_ns"`
	Outcome string `json:"outcome"` // "published", "superseded", "no lease" or the error
	Cursor  uint64 `json:"cursor,omitempty"`
}

func (w *Folds) logRound(holder string, call, ret int64, res *transport.RoundResult, err error) {
	r := round{Holder: holder, Call: call, Return: ret}
	switch {
	case err != nil:
		r.Outcome = err.Error()
	case res == nil:
		r.Outcome = "no lease"
	default:
		r.Outcome = res.Outcome.Status.String()
		r.Cursor, _ = res.Manifest.Cursor.Uint64()
	}
	w.mu.Lock()
	w.rounds = append(w.rounds, r)
	w.mu.Unlock()
}

func (w *Folds) observe(o PointerObs) {
	w.mu.Lock()
	w.obs = append(w.obs, o)
	w.mu.Unlock()
}

// poll reads every key's pointer through the stream leader every 250 ms, on a client
// connection through the proxies, and records each value with its call and return times.
func (w *Folds) poll(ctx context.Context, keys []string) {
	nc, conn, err := w.clientConn("poller", 2)
	if err != nil {
		w.noteErr("poller", err)
		return
	}
	defer nc.Close()
	ptrs, err := openBucket(ctx, conn, pointerBucket)
	if err != nil {
		w.noteErr("poller", err)
		return
	}
	leader := ptrs.LeaderReads()
	for ctx.Err() == nil {
		for _, key := range keys {
			call := w.env.Recorder.Now()
			e, ok, err := leader.Entry(ctx, key)
			ret := w.env.Recorder.Now()
			if err != nil || !ok {
				continue
			}
			m, err := artifact.Parse(e.Value)
			if err != nil {
				w.count("pointer reads unparsable", 1)
				w.noteErr("poller parse", err)
				continue
			}
			rank, _ := m.Cursor.Uint64()
			w.count("pointer reads", 1)
			w.observe(PointerObs{Key: key, Source: "poller", Rank: rank, Call: call, Return: ret})
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}
