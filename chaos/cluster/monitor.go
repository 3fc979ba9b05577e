package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// monitorTimeout bounds one monitoring request; a paused node does not answer at all.
const monitorTimeout = 2 * time.Second

var monitorClient = &http.Client{Timeout: monitorTimeout}

// get decodes the JSON answer of node i's monitoring endpoint path into out.
func (c *Cluster) get(ctx context.Context, i int, path string, out any) error {
	url := fmt.Sprintf("http://127.0.0.1:%d%s", c.procs[i].Config().HTTPPort, path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := monitorClient.Do(req)
	if err != nil {
		return fmt.Errorf("cluster: n%d %s: %w", i+1, path, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("cluster: n%d %s: decode: %w", i+1, path, err)
	}
	return nil
}

// Routes returns the number of routes node i has right now.
func (c *Cluster) Routes(ctx context.Context, i int) (int, error) {
	var rz server.Routez
	if err := c.get(ctx, i, "/routez", &rz); err != nil {
		return 0, err
	}
	return rz.NumRoutes, nil
}

// Healthy reports node i's /healthz verdict: nil when it is up, its JetStream is current and
// every stream and consumer it hosts is current.
func (c *Cluster) Healthy(ctx context.Context, i int) error {
	var hs server.HealthStatus
	if err := c.get(ctx, i, "/healthz", &hs); err != nil {
		return err
	}
	if hs.Status != "ok" {
		return fmt.Errorf("cluster: n%d unhealthy: %s %s", i+1, hs.Status, hs.Error)
	}
	return nil
}

// StreamView is what one node reports about a stream of the global account.
type StreamView struct {
	Found   bool
	Leader  string // server name of the leader this node believes in ("" if none)
	LastSeq uint64
	Msgs    uint64
}

// Stream returns node i's local view of stream.
func (c *Cluster) Stream(ctx context.Context, i int, stream string) (StreamView, error) {
	var js server.JSInfo
	if err := c.get(ctx, i, "/jsz?accounts=true&streams=true", &js); err != nil {
		return StreamView{}, err
	}
	for _, acc := range js.AccountDetails {
		for _, s := range acc.Streams {
			if s.Name != stream {
				continue
			}
			v := StreamView{Found: true, LastSeq: s.State.LastSeq, Msgs: s.State.Msgs}
			if s.Cluster != nil {
				v.Leader = s.Cluster.Leader
			}
			return v, nil
		}
	}
	return StreamView{}, nil
}

// StreamLeader returns the index of the node that reports itself as stream's leader, or -1.
func (c *Cluster) StreamLeader(ctx context.Context, stream string) int {
	for i, p := range c.procs {
		if !p.Running() || p.Paused() {
			continue
		}
		if v, err := c.Stream(ctx, i, stream); err == nil && v.Leader == p.Config().Name {
			return i
		}
	}
	return -1
}

// WaitReady waits until every running, unpaused node has a route to every other running node
// and reports healthy.
func (c *Cluster) WaitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	return c.waitFor(ctx, func(ctx context.Context) error { return c.readyNow(ctx) })
}

// WaitStream waits until stream has a leader and every node is ready and holds the same last
// sequence (the cluster has converged on it).
func (c *Cluster) WaitStream(ctx context.Context, stream string) error {
	return c.waitFor(ctx, func(ctx context.Context) error {
		if err := c.readyNow(ctx); err != nil {
			return err
		}
		if c.StreamLeader(ctx, stream) < 0 {
			return fmt.Errorf("cluster: no leader for %s", stream)
		}
		seqs, err := c.LastSeqs(ctx, stream)
		if err != nil {
			return err
		}
		for _, s := range seqs {
			if s != seqs[0] {
				return fmt.Errorf("cluster: %s last sequences differ: %v", stream, seqs)
			}
		}
		return nil
	})
}

// WaitLeader waits until every running, unpaused node is routed to every other one and stream
// has a leader; unlike WaitStream it does not wait for lagging replicas to catch up.
func (c *Cluster) WaitLeader(ctx context.Context, stream string) error {
	return c.waitFor(ctx, func(ctx context.Context) error {
		if err := c.routedNow(ctx); err != nil {
			return err
		}
		if c.StreamLeader(ctx, stream) < 0 {
			return fmt.Errorf("cluster: no leader for %s", stream)
		}
		return nil
	})
}

// LastSeqs returns every node's last sequence of stream, by node index.
func (c *Cluster) LastSeqs(ctx context.Context, stream string) ([]uint64, error) {
	seqs := make([]uint64, len(c.procs))
	for i := range c.procs {
		v, err := c.Stream(ctx, i, stream)
		if err != nil {
			return nil, err
		}
		if !v.Found {
			return nil, fmt.Errorf("cluster: n%d has no stream %s", i+1, stream)
		}
		seqs[i] = v.LastSeq
	}
	return seqs, nil
}

func (c *Cluster) readyNow(ctx context.Context) error {
	if err := c.routedNow(ctx); err != nil {
		return err
	}
	for i, p := range c.procs {
		if p.Running() && !p.Paused() {
			if err := c.Healthy(ctx, i); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Cluster) routedNow(ctx context.Context) error {
	running := 0
	for _, p := range c.procs {
		if p.Running() && !p.Paused() {
			running++
		}
	}
	for i, p := range c.procs {
		if !p.Running() || p.Paused() {
			continue
		}
		n, err := c.Routes(ctx, i)
		if err != nil {
			return err
		}
		if n < running-1 {
			return fmt.Errorf("cluster: n%d has %d routes, want %d", i+1, n, running-1)
		}
	}
	return nil
}

// waitFor polls check until it passes or ctx ends; the error names the last failed check.
func (c *Cluster) waitFor(ctx context.Context, check func(context.Context) error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("cluster: gave up waiting: %w", ctx.Err()), err)
		case <-tick.C:
		}
	}
}
