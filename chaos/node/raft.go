package node

import (
	"time"
	_ "unsafe" // for go:linkname
)

// nats-server keeps its raft timings in unexported package variables; its own cluster tests
// shorten them in an init function. A node process is a separate program, so it can set them
// the same way before the server starts, through linkname references.

//go:linkname hbInterval github.com/nats-io/nats-server/v2/server.hbInterval
var hbInterval time.Duration

//go:linkname minElectionTimeout github.com/nats-io/nats-server/v2/server.minElectionTimeout
var minElectionTimeout time.Duration

//go:linkname maxElectionTimeout github.com/nats-io/nats-server/v2/server.maxElectionTimeout
var maxElectionTimeout time.Duration

//go:linkname lostQuorumInterval github.com/nats-io/nats-server/v2/server.lostQuorumInterval
var lostQuorumInterval time.Duration

//go:linkname lostQuorumCheck github.com/nats-io/nats-server/v2/server.lostQuorumCheck
var lostQuorumCheck time.Duration

// useTestRaftTimings applies the timings of nats-server's own cluster tests: heartbeats every
// 50 ms, elections after 1.5-3.5 s, quorum loss noticed after 5 s.
func useTestRaftTimings() {
	hbInterval = 50 * time.Millisecond
	minElectionTimeout = 1500 * time.Millisecond
	maxElectionTimeout = 3500 * time.Millisecond
	lostQuorumInterval = 5 * time.Second
	lostQuorumCheck = 4 * hbInterval
}
