package embedded

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// GlobalAccount is the account that unauthenticated clients (and therefore KV buckets created by
// tests) live in.
const GlobalAccount = "$G"

// ClusterWait bounds how long cluster formation and leader elections are awaited. Embedded
// clusters run with production raft timings (elections take seconds).
const ClusterWait = 60 * time.Second

// ClusterOptions tunes an N-node JetStream cluster. The zero value is 3 nodes in fresh temporary
// directories.
type ClusterOptions struct {
	Nodes int    // number of nodes (default 3)
	Name  string // cluster name (default "slipstream")
	// BaseDir holds one store directory per node (n1, n2, …). Empty: a new temporary directory,
	// removed by Shutdown.
	BaseDir string
	// RouteURL, if set, returns the route URL node `from` dials to reach node `to`, whose real
	// route port is `port` — for inserting TCP proxies between nodes (partitions, latency).
	// When set, each node advertises an unreachable cluster address so that gossip cannot
	// create direct routes that bypass the proxies.
	RouteURL func(from, to, port int) string
	// Configure, if set, edits each node's server options before it is created.
	Configure func(node int, o *server.Options)
}

type clusterSpec struct {
	c     *Cluster
	index int
}

// Cluster is an in-process JetStream cluster on loopback. Nodes keep their names, store
// directories and ports across StopNode/RestartNode.
type Cluster struct {
	opts       ClusterOptions
	ownDir     bool
	routePorts []int
	nodes      []*Server
}

// StartCluster starts every node, waits for the routes to form, and waits for a JetStream meta
// leader that sees every peer.
func StartCluster(opts ClusterOptions) (*Cluster, error) {
	if opts.Nodes == 0 {
		opts.Nodes = 3
	}
	if opts.Nodes < 1 {
		return nil, fmt.Errorf("embedded: a cluster needs at least one node, got %d", opts.Nodes)
	}
	if opts.Name == "" {
		opts.Name = "slipstream"
	}
	c := &Cluster{opts: opts}
	if c.opts.BaseDir == "" {
		dir, err := os.MkdirTemp("", "slipstream-cluster-")
		if err != nil {
			return nil, fmt.Errorf("embedded: create cluster dir: %w", err)
		}
		c.opts.BaseDir, c.ownDir = dir, true
	}
	seen := map[int]bool{}
	for len(c.routePorts) < opts.Nodes*2 {
		p, err := FreePort()
		if err != nil {
			c.Shutdown()
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			c.routePorts = append(c.routePorts, p)
		}
	}
	// The second half of the drawn ports are the client ports.
	clientPorts := c.routePorts[opts.Nodes:]
	c.routePorts = c.routePorts[:opts.Nodes]
	for i := range opts.Nodes {
		s := &Server{
			opts:    Options{StoreDir: nodeDir(c.opts.BaseDir, i), Port: clientPorts[i]},
			port:    clientPorts[i],
			name:    fmt.Sprintf("n%d", i+1),
			cluster: &clusterSpec{c: c, index: i},
		}
		if opts.Configure != nil {
			idx := i
			s.opts.Configure = func(o *server.Options) { opts.Configure(idx, o) }
		}
		c.nodes = append(c.nodes, s)
	}
	// Start nodes concurrently: a node waits for its peers before it reports ready for clients.
	errs := make(chan error, opts.Nodes)
	for _, s := range c.nodes {
		go func() { errs <- s.start() }()
	}
	var err error
	for range opts.Nodes {
		err = errors.Join(err, <-errs)
	}
	if err == nil {
		err = c.WaitReady()
	}
	if err != nil {
		c.Shutdown()
		return nil, err
	}
	return c, nil
}

// StartClusterT starts a cluster for a test (stores under t.TempDir) and shuts it down in
// t.Cleanup.
func StartClusterT(t testing.TB, opts ClusterOptions) *Cluster {
	t.Helper()
	if opts.BaseDir == "" {
		opts.BaseDir = t.TempDir()
	}
	c, err := StartCluster(opts)
	if err != nil {
		t.Fatalf("embedded: %v", err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

func (cs *clusterSpec) apply(o *server.Options, name string) {
	c := cs.c
	o.Cluster = server.ClusterOpts{
		Name:     c.opts.Name,
		Host:     "127.0.0.1",
		Port:     c.routePorts[cs.index],
		PoolSize: -1, // one route connection per pair: simpler to proxy and to partition
	}
	var routes []string
	for j, p := range c.routePorts {
		if j == cs.index {
			continue
		}
		u := fmt.Sprintf("nats://127.0.0.1:%d", p)
		if c.opts.RouteURL != nil {
			u = c.opts.RouteURL(cs.index, j, p)
		}
		routes = append(routes, u)
	}
	o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
	if c.opts.RouteURL != nil {
		// Gossiped implicit routes dial the advertised address; make it unreachable so only the
		// proxied explicit routes exist.
		o.Cluster.Advertise = "127.0.0.1:1"
	}
	o.ServerName = name
}

// Nodes returns the cluster's nodes, indexed from 0.
func (c *Cluster) Nodes() []*Server { return c.nodes }

// Node returns node i.
func (c *Cluster) Node(i int) *Server { return c.nodes[i] }

// URLs returns every node's client URL, comma-separated, for a client that should fail over.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.nodes))
	for i, s := range c.nodes {
		urls[i] = s.URL()
	}
	return strings.Join(urls, ",")
}

// WaitReady waits until every running node has routes to every other running node and a
// JetStream meta leader sees all the cluster's peers.
func (c *Cluster) WaitReady() error {
	running := 0
	for _, s := range c.nodes {
		if s.Running() {
			running++
		}
	}
	return waitFor(ClusterWait, func() error {
		for _, s := range c.nodes {
			if s.Running() && s.srv.NumRoutes() < running-1 {
				return fmt.Errorf("%s has %d routes, want %d", s.name, s.srv.NumRoutes(), running-1)
			}
		}
		if len(c.nodes) == 1 {
			return nil
		}
		for _, s := range c.nodes {
			if s.Running() && s.srv.JetStreamIsLeader() {
				if n := len(s.srv.JetStreamClusterPeers()); n < len(c.nodes) {
					return fmt.Errorf("meta leader %s sees %d peers, want %d", s.name, n, len(c.nodes))
				}
				return nil
			}
		}
		return errors.New("no JetStream meta leader yet")
	})
}

// StopNode stops node i gracefully, keeping its store and ports.
func (c *Cluster) StopNode(i int) { c.nodes[i].Stop() }

// RestartNode (re)starts node i on its store dir and ports and waits until the cluster is ready.
func (c *Cluster) RestartNode(i int) error {
	if err := c.nodes[i].Restart(); err != nil {
		return err
	}
	return c.WaitReady()
}

// Shutdown stops every node and removes the base directory if StartCluster created it.
func (c *Cluster) Shutdown() {
	for _, s := range c.nodes {
		s.Stop()
	}
	if c.ownDir {
		_ = os.RemoveAll(c.opts.BaseDir)
		c.ownDir = false
	}
}

// RouteHostPort returns the real route address of node i (for proxies built by RouteURL).
func (c *Cluster) RouteHostPort(i int) string {
	return fmt.Sprintf("127.0.0.1:%d", c.routePorts[i])
}
