// Package netproxy puts a toxiproxy TCP proxy on every link of a chaos cluster (each directed
// route link between two nodes, and each node's client link) and injects network faults on
// them: a partition blackholes a node's links (bytes are dropped, connections stay open, as with
// a pulled cable) and latency delays them. Healing removes every fault; a blackholed connection
// is closed when its fault is removed, so both ends reconnect cleanly.
package netproxy

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// Net holds the proxies of an n-node cluster. All listen on 127.0.0.1.
type Net struct {
	api    *toxiproxy.ApiServer
	n      int
	routes [][]*toxiproxy.Proxy // routes[i][j]: node i dials node j through it (nil when i == j)
	client []*toxiproxy.Proxy   // client[i]: clients reach node i through it

	mu     sync.Mutex
	active map[*toxiproxy.Proxy][]string // toxic names currently installed per proxy
}

// New starts the proxies for n nodes: routePort(j) and clientPort(j) give node j's real ports.
func New(n int, routePort, clientPort func(j int) int) (*Net, error) {
	logger := zerolog.New(io.Discard)
	net := &Net{
		api:    toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), logger),
		n:      n,
		active: map[*toxiproxy.Proxy][]string{},
	}
	start := func(name string, upstream int) (*toxiproxy.Proxy, error) {
		p := toxiproxy.NewProxy(net.api, name, "127.0.0.1:0", fmt.Sprintf("127.0.0.1:%d", upstream))
		if err := p.Start(); err != nil {
			return nil, fmt.Errorf("netproxy: start proxy %s: %w", name, err)
		}
		return p, nil
	}
	for i := range n {
		row := make([]*toxiproxy.Proxy, n)
		for j := range n {
			if i == j {
				continue
			}
			p, err := start(fmt.Sprintf("route-n%d-n%d", i+1, j+1), routePort(j))
			if err != nil {
				net.Close()
				return nil, err
			}
			row[j] = p
		}
		net.routes = append(net.routes, row)
		c, err := start(fmt.Sprintf("client-n%d", i+1), clientPort(i))
		if err != nil {
			net.Close()
			return nil, err
		}
		net.client = append(net.client, c)
	}
	return net, nil
}

// RouteURLs returns the route URLs node i is configured with: one proxy per peer.
func (net *Net) RouteURLs(i int) []string {
	var urls []string
	for j, p := range net.routes[i] {
		if j != i {
			urls = append(urls, "nats-route://"+p.Listen)
		}
	}
	return urls
}

// ClientURL returns the proxied client URL of node i.
func (net *Net) ClientURL(i int) string { return "nats://" + net.client[i].Listen }

// ClientURLs returns every node's proxied client URL, node first then the others in order,
// comma-separated: a client homed on node first that fails over to the rest.
func (net *Net) ClientURLs(first int) string {
	urls := []string{net.ClientURL(first)}
	for i := range net.n {
		if i != first {
			urls = append(urls, net.ClientURL(i))
		}
	}
	return strings.Join(urls, ",")
}

// peerLinks returns the proxies of every route link to or from node i.
func (net *Net) peerLinks(i int) []*toxiproxy.Proxy {
	var ps []*toxiproxy.Proxy
	for j := range net.n {
		if j != i {
			ps = append(ps, net.routes[i][j], net.routes[j][i])
		}
	}
	return ps
}

// PartitionPeers cuts node i off from every other node (both directions); its clients still
// reach it.
func (net *Net) PartitionPeers(i int) error { return net.blackhole(net.peerLinks(i)) }

// PartitionClients cuts node i off from its clients; its peers still reach it.
func (net *Net) PartitionClients(i int) error {
	return net.blackhole([]*toxiproxy.Proxy{net.client[i]})
}

// Slow adds latency (ms ± jitter ms) in both directions on every link of node i.
func (net *Net) Slow(i int, ms, jitter int) error {
	links := append(net.peerLinks(i), net.client[i])
	attrs := fmt.Sprintf(`{"latency":%d,"jitter":%d}`, ms, jitter)
	return net.install(links, "latency", attrs)
}

func (net *Net) blackhole(links []*toxiproxy.Proxy) error {
	// timeout 0: data is dropped and the connection is held open until the toxic is removed.
	return net.install(links, "timeout", `{"timeout":0}`)
}

func (net *Net) install(links []*toxiproxy.Proxy, typ, attrs string) error {
	net.mu.Lock()
	defer net.mu.Unlock()
	for _, p := range links {
		for _, dir := range []string{"upstream", "downstream"} {
			name := fmt.Sprintf("%s_%s_%d", typ, dir, len(net.active[p]))
			body := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, name, typ, dir, attrs)
			if _, err := p.Toxics.AddToxicJson(strings.NewReader(body)); err != nil {
				return fmt.Errorf("netproxy: add %s to %s: %w", typ, p.Name, err)
			}
			net.active[p] = append(net.active[p], name)
		}
	}
	return nil
}

// Heal removes every network fault.
func (net *Net) Heal() error {
	net.mu.Lock()
	defer net.mu.Unlock()
	var first error
	for p, names := range net.active {
		for _, name := range names {
			if err := p.Toxics.RemoveToxic(context.Background(), name); err != nil && first == nil {
				first = fmt.Errorf("netproxy: remove %s from %s: %w", name, p.Name, err)
			}
		}
		delete(net.active, p)
	}
	return first
}

// Faulty reports whether any network fault is installed.
func (net *Net) Faulty() bool {
	net.mu.Lock()
	defer net.mu.Unlock()
	return len(net.active) > 0
}

// Close stops every proxy and closes its connections.
func (net *Net) Close() {
	for _, row := range net.routes {
		for _, p := range row {
			if p != nil {
				p.Stop()
			}
		}
	}
	for _, p := range net.client {
		if p != nil {
			p.Stop()
		}
	}
}
