package embedded

import (
	"fmt"
	"time"
)

// StreamLeader returns the index of the node leading stream (in the global account), or -1.
func (c *Cluster) StreamLeader(stream string) int {
	for i, s := range c.nodes {
		if s.Running() && s.srv.JetStreamIsStreamLeader(GlobalAccount, stream) {
			return i
		}
	}
	return -1
}

// WaitStreamLeader waits until some running node leads stream and returns its index.
func (c *Cluster) WaitStreamLeader(stream string) (int, error) {
	leader := -1
	err := waitFor(ClusterWait, func() error {
		if leader = c.StreamLeader(stream); leader < 0 {
			return fmt.Errorf("no leader for stream %s", stream)
		}
		return nil
	})
	return leader, err
}

// StepDownStream asks the current leader of stream to step down, then waits for a leader
// again. It returns the new leader's index (which may be the old one if the election chose it).
func (c *Cluster) StepDownStream(stream string) (int, error) {
	leader, err := c.WaitStreamLeader(stream)
	if err != nil {
		return -1, err
	}
	if err := c.nodes[leader].srv.JetStreamStepdownStream(GlobalAccount, stream); err != nil {
		return -1, fmt.Errorf("embedded: step down %s on %s: %w", stream, c.nodes[leader].name, err)
	}
	return c.WaitStreamLeader(stream)
}

// waitFor polls check every 50 ms until it returns nil or limit passes; it is this package's one
// polling loop (cluster formation, elections, and its tests' reconnects).
func waitFor(limit time.Duration, check func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("embedded: gave up after %v: %w", limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
