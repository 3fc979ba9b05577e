package applied

import (
	"context"
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/protocol"
)

// startPlan is how a loop starts: the kernel's action and reason, and the live incarnation
// (zero when the store is absent or the watcher does not report one).
type startPlan struct {
	action protocol.ResumeAction
	reason protocol.ResumeReason
	live   kv.Incarnation
}

// planStart compares the incarnation stored with the fold's cursor with the bucket's live one
// (protocol.ResumePlanFor). Without a Store there is no stored incarnation to compare, and
// without a watcher that reports incarnations (kv.IncarnationReporter) no live one: the loop
// then starts as before. A failed lookup stops Run: resuming unverified is exactly the silent
// divergence the check is there to prevent, and a restart retries.
func (c *Config[U]) planStart(ctx context.Context, resume kv.Cursor, k kernels) (startPlan, error) {
	p := startPlan{action: protocol.ActionStateSync}
	if !resume.IsZero() {
		p.action = protocol.ActionResumeUnverified
	}
	rep, ok := c.Watcher.(kv.IncarnationReporter)
	if c.Store == nil || !ok {
		return p, nil
	}
	live, err := rep.Incarnation(ctx)
	if err != nil {
		return p, fmt.Errorf("applied: reading the bucket's stream incarnation before resuming from %v "+
			"(refusing to resume a cursor that may belong to another incarnation; restart to retry): %w", resume, err)
	}
	p.live = live
	p.action, p.reason = k.resumePlan(protocol.ResumeFacts[kv.Incarnation]{
		HasCursor: !resume.IsZero(),
		Stored:    c.Store.Stamp().Stream,
		Live:      live,
	})
	return p, nil
}

// stampFor returns the stamp flushes write once the loop folds updates of the live stream, or
// nil when the live incarnation is unknown (flushes then leave the stored stamp as it is).
func (p startPlan) stampFor() *snapshot.Stamp {
	if p.live.IsZero() {
		return nil
	}
	return &snapshot.Stamp{Stream: p.live} // the contact, if any, is set by stampToStore
}

// logStart says how the loop starts when that is not a plain, verified resume.
func (l *loop[U]) logStart(p startPlan) {
	stored := kv.Incarnation{}
	if l.cfg.Store != nil {
		stored = l.cfg.Store.Stamp().Stream
	}
	switch p.action {
	case protocol.ActionResumeUnverified:
		if p.reason == protocol.ReasonStampMissing {
			l.log.Info("applied: resuming without verifying the stream incarnation", "reason", p.reason.String(),
				"cursor", l.resume.String(), "live", p.live.String())
		}
	case protocol.ActionResync:
		if p.reason != protocol.ReasonNewIncarnation {
			return // startContact said why
		}
		l.log.Warn("applied: the fold's cursor belongs to another stream incarnation; resyncing",
			"reason", p.reason.String(), "cursor", l.resume.String(), "stored", stored.String(), "live", p.live.String())
	}
}
