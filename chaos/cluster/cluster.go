// Package cluster runs an n-node JetStream cluster for chaos runs: each node is a child process
// (see chaos/node) and every route and client link goes through a proxy (see chaos/netproxy), so
// crashes, pauses, graceful stops, partitions and latency are all real from the servers' point
// of view. A control connection straight to the nodes' real client ports lets the harness ask
// for stream leader step-downs while the proxied links are faulty.
package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/chaos/netproxy"
	"github.com/slipstream-go/slipstream/chaos/node"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// StartTimeout bounds the start of one node process.
const StartTimeout = 30 * time.Second

// Options configures a cluster. Dir is required.
type Options struct {
	Nodes          int    // default 3
	Name           string // cluster name, default "chaos"
	Dir            string // per-node store dirs and logs are created under it
	Executable     string // binary re-executed as a node; default os.Executable()
	ProductionRaft bool   // keep nats-server's production raft timings (see node.Config)
}

// Cluster is a running chaos cluster. Node indexes start at 0; node i is named n<i+1>.
type Cluster struct {
	opts  Options
	procs []*node.Process
	net   *netproxy.Net
}

// Start picks ports, starts the proxies and every node, and waits until the routes and the
// JetStream meta group have formed. On error everything started is stopped.
func Start(opts Options) (*Cluster, error) {
	if opts.Nodes == 0 {
		opts.Nodes = 3
	}
	if opts.Name == "" {
		opts.Name = "chaos"
	}
	if opts.Dir == "" {
		return nil, errors.New("cluster: Options.Dir is required")
	}
	if opts.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("cluster: find the executable to re-run as a node: %w", err)
		}
		opts.Executable = exe
	}
	ports, err := freePorts(opts.Nodes * 3)
	if err != nil {
		return nil, err
	}
	client, route, http := ports[:opts.Nodes], ports[opts.Nodes:2*opts.Nodes], ports[2*opts.Nodes:]
	c := &Cluster{opts: opts}
	c.net, err = netproxy.New(opts.Nodes, func(j int) int { return route[j] }, func(j int) int { return client[j] })
	if err != nil {
		return nil, err
	}
	for i := range opts.Nodes {
		name := fmt.Sprintf("n%d", i+1)
		store := filepath.Join(opts.Dir, name)
		if err := os.MkdirAll(store, 0o755); err != nil {
			c.Close()
			return nil, fmt.Errorf("cluster: create store dir: %w", err)
		}
		c.procs = append(c.procs, node.NewProcess(opts.Executable, node.Config{
			Name: name, Cluster: opts.Name, StoreDir: store,
			LogFile:    filepath.Join(opts.Dir, name+".log"),
			ClientPort: client[i], RoutePort: route[i], HTTPPort: http[i],
			Routes: c.net.RouteURLs(i), ProductionRaft: opts.ProductionRaft,
		}))
	}
	errs := make(chan error, opts.Nodes)
	for _, p := range c.procs {
		go func() { errs <- p.Start(StartTimeout) }()
	}
	for range opts.Nodes {
		err = errors.Join(err, <-errs)
	}
	if err == nil {
		err = c.WaitReady(embedded.ClusterWait)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func freePorts(n int) ([]int, error) {
	seen := map[int]bool{}
	var ports []int
	for len(ports) < n {
		p, err := embedded.FreePort()
		if err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// Nodes returns the number of nodes.
func (c *Cluster) Nodes() int { return len(c.procs) }

// Node returns the process handle of node i.
func (c *Cluster) Node(i int) *node.Process { return c.procs[i] }

// Net returns the proxies between the nodes and between clients and nodes.
func (c *Cluster) Net() *netproxy.Net { return c.net }

// ClientURLs returns the proxied client URLs for a client homed on node home.
func (c *Cluster) ClientURLs(home int) string { return c.net.ClientURLs(home % len(c.procs)) }

// ControlURLs returns the nodes' real client URLs (no proxy), for the harness only.
func (c *Cluster) ControlURLs() string {
	urls := make([]string, len(c.procs))
	for i, p := range c.procs {
		urls[i] = fmt.Sprintf("nats://127.0.0.1:%d", p.Config().ClientPort)
	}
	return strings.Join(urls, ",")
}

// Close kills every node and stops every proxy. It is safe to call more than once.
func (c *Cluster) Close() {
	for _, p := range c.procs {
		p.Close()
	}
	if c.net != nil {
		c.net.Close()
	}
}
