package check

import (
	"context"
	"fmt"
	"time"
)

// StreamSource reports each node's last sequence of a stream and waits for agreement;
// chaos/cluster implements it.
type StreamSource interface {
	WaitStream(ctx context.Context, stream string) error
	LastSeqs(ctx context.Context, stream string) ([]uint64, error)
}

// Converged is the check that every node of the cluster reports the same last sequence of
// stream within limit after the faults heal.
func Converged(src StreamSource, stream string, limit time.Duration) Check {
	return Func{N: "cluster-converged", F: func(ctx context.Context) Result {
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		if err := src.WaitStream(ctx, stream); err != nil {
			seqs, serr := src.LastSeqs(context.Background(), stream)
			if serr != nil {
				return Result{Verdict: Incomplete, Detail: fmt.Sprintf("no agreement on %s within %v, and a node did not answer: %v", stream, limit, err)}
			}
			return Result{Verdict: Violates, Detail: fmt.Sprintf("nodes disagree on the last sequence of %s after %v: %v", stream, limit, seqs)}
		}
		seqs, err := src.LastSeqs(ctx, stream)
		if err != nil {
			return Result{Verdict: Incomplete, Detail: err.Error()}
		}
		return Result{Verdict: Holds, Detail: fmt.Sprintf("all %d nodes at last sequence %d of %s", len(seqs), seqs[0], stream)}
	}}
}
