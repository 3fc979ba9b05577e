package node

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// EnvConfig is the environment variable that turns the current executable into one nats-server
// node: it holds the node's Config as JSON. The chaos binary and every test binary that starts
// nodes call MaybeRun first thing, so a node is the same binary re-executed, with nothing to
// install.
const EnvConfig = "SLIPSTREAM_CHAOS_NODE"

// readyLine is what a child prints on stdout once it accepts client connections.
const readyLine = "ready"

// Config describes one node: its identity, ports and store. Every address is on 127.0.0.1.
type Config struct {
	Name       string   `json:"name"`        // server name, stable across restarts (raft identity)
	Cluster    string   `json:"cluster"`     // cluster name
	StoreDir   string   `json:"store_dir"`   // JetStream store, kept across restarts
	LogFile    string   `json:"log_file"`    // server log (appended across restarts)
	ClientPort int      `json:"client_port"` // real client port (clients reach it through a proxy)
	RoutePort  int      `json:"route_port"`  // real route port
	HTTPPort   int      `json:"http_port"`   // monitoring port (/healthz, /jsz, /routez)
	Routes     []string `json:"routes"`      // route URLs of the peers (proxies, never real ports)
	// ProductionRaft keeps nats-server's production raft timings (elections take 4-9 s). False
	// selects the timings nats-server's own cluster tests use (elections in 1.5-3.5 s), so a run
	// of a few minutes sees many elections.
	ProductionRaft bool `json:"production_raft"`
}

// MaybeRun runs a node and exits if the process was started as one (EnvConfig is set);
// otherwise it returns at once. Call it first in main and in TestMain.
func MaybeRun() {
	raw, ok := os.LookupEnv(EnvConfig)
	if !ok {
		return
	}
	var cfg Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "chaos node: bad %s: %v\n", EnvConfig, err)
		os.Exit(2)
	}
	os.Exit(run(cfg))
}

// serverOptions builds the nats-server options of a node.
func serverOptions(cfg Config) *server.Options {
	return &server.Options{
		ServerName:         cfg.Name,
		Host:               "127.0.0.1",
		Port:               cfg.ClientPort,
		HTTPHost:           "127.0.0.1",
		HTTPPort:           cfg.HTTPPort,
		NoSigs:             true, // the node handles its own signals (see run)
		LogFile:            cfg.LogFile,
		Logtime:            true,
		JetStream:          true,
		StoreDir:           cfg.StoreDir,
		JetStreamMaxMemory: 256 << 20,
		JetStreamMaxStore:  2 << 30,
		Cluster: server.ClusterOpts{
			Name:     cfg.Cluster,
			Host:     "127.0.0.1",
			Port:     cfg.RoutePort,
			PoolSize: -1, // one route connection per pair, through one proxy
			// Gossiped (implicit) routes dial the advertised address: make it unreachable so
			// that only the proxied explicit routes exist and a partition cannot be bypassed.
			Advertise: "127.0.0.1:1",
			// Do not tell clients the real client URLs of the other servers: clients know only
			// the proxies.
			NoAdvertise: true,
		},
		Routes: server.RoutesFromStr(joinComma(cfg.Routes)),
	}
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// run starts the server, reports readiness on stdout, and serves until SIGTERM (graceful
// shutdown: leaderships are handed over and stores flushed), SIGINT, or the parent going away
// (stdin closes). SIGKILL and SIGSTOP are not caught: they are the crash and pause faults.
func run(cfg Config) int {
	if !cfg.ProductionRaft {
		useTestRaftTimings()
	}
	srv, err := server.NewServer(serverOptions(cfg))
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos node %s: configure: %v\n", cfg.Name, err)
		return 2
	}
	srv.ConfigureLogger()
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		fmt.Fprintf(os.Stderr, "chaos node %s: not ready for connections within 30s\n", cfg.Name)
		srv.Shutdown()
		return 3
	}
	fmt.Fprintln(os.Stdout, readyLine)

	parentGone := make(chan struct{})
	go func() {
		// The parent holds the write end of stdin; EOF means it exited (even if killed).
		r := bufio.NewReader(os.Stdin)
		for {
			if _, err := r.ReadByte(); err != nil {
				close(parentGone)
				return
			}
		}
	}()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-sigs:
		srv.Shutdown()
		srv.WaitForShutdown()
		return 0
	case <-parentGone:
		return 1 // no graceful shutdown: nobody is left to observe it
	}
}
