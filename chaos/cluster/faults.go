package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// stopTimeout bounds a graceful stop before the node is killed instead.
const stopTimeout = 20 * time.Second

// Crash kills node i abruptly (SIGKILL).
func (c *Cluster) Crash(i int) error { return c.procs[i].Kill() }

// Stop stops node i gracefully (SIGTERM).
func (c *Cluster) Stop(i int) error { return c.procs[i].Terminate(stopTimeout) }

// Restart starts node i again on its store dir and ports, after a crash or a stop.
func (c *Cluster) Restart(i int) error { return c.procs[i].Start(StartTimeout) }

// Pause freezes node i's process (SIGSTOP).
func (c *Cluster) Pause(i int) error { return c.procs[i].Pause() }

// Resume continues node i's process (SIGCONT).
func (c *Cluster) Resume(i int) error { return c.procs[i].Resume() }

// PartitionPeers cuts node i off from the other nodes.
func (c *Cluster) PartitionPeers(i int) error { return c.net.PartitionPeers(i) }

// PartitionClients cuts node i off from its clients.
func (c *Cluster) PartitionClients(i int) error { return c.net.PartitionClients(i) }

// Slow adds ms ± jitter milliseconds of latency to every link of node i.
func (c *Cluster) Slow(i, ms, jitter int) error { return c.net.Slow(i, ms, jitter) }

// HealNetwork removes every partition and latency.
func (c *Cluster) HealNetwork() error { return c.net.Heal() }

// StepDown asks the leader of stream (global account) to step down, through the JetStream API
// ($JS.API.STREAM.LEADER.STEPDOWN.<stream>) on a control connection that bypasses the proxies.
func (c *Cluster) StepDown(ctx context.Context, stream string) error {
	nc, err := nats.Connect(c.ControlURLs(), nats.Name("chaos-control"), nats.Timeout(2*time.Second),
		nats.IgnoreDiscoveredServers(), nats.MaxReconnects(0))
	if err != nil {
		return fmt.Errorf("cluster: control connection: %w", err)
	}
	defer nc.Close()
	msg, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.LEADER.STEPDOWN."+stream, nil)
	if err != nil {
		return fmt.Errorf("cluster: step down %s: %w", stream, err)
	}
	var resp struct {
		Success bool `json:"success"`
		Error   *struct {
			Code        int    `json:"code"`
			ErrCode     int    `json:"err_code"`
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return fmt.Errorf("cluster: step down %s: decode %q: %w", stream, msg.Data, err)
	}
	if !resp.Success {
		if resp.Error != nil {
			return fmt.Errorf("cluster: step down %s: %s (%d)", stream, resp.Error.Description, resp.Error.ErrCode)
		}
		return fmt.Errorf("cluster: step down %s refused: %s", stream, msg.Data)
	}
	return nil
}
