package applied

import (
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/protocol"
)

// DefaultExpiryClockSkew is the default Config.ExpiryClockSkew. Hosts kept by NTP are within
// milliseconds of each other; two seconds also covers a clock stepped by a late sync, and
// costs nothing next to the default hour a delete marker lives.
const DefaultExpiryClockSkew = 2 * time.Second

// expiryGuard is what Run does about keys the bucket removes by age, decided once at start.
type expiryGuard struct {
	policy protocol.ExpiryPolicy
	// ttl is, for the guarded policy, how long the fold may be out of contact with the stream
	// before it may have missed a delete marker: the marker TTL less the clock-skew allowance,
	// in nanoseconds.
	ttl int64
}

func (g expiryGuard) guarded() bool { return g.policy == protocol.ExpiryGuarded }

// admitExpiry reads the bucket's expiry configuration, when the Watcher reports one
// (kv.ExpiryReporter), and decides the policy (protocol.ExpiryAdmit). A bucket that ages keys
// out without markers is refused with kv.ErrExpiryInvisible unless AcceptExpiryDivergence is
// set. A failed read stops Run: folding a bucket that may age keys out unseen is exactly the
// silent divergence the check is for, and a restart retries.
func (c *Config[U]) admitExpiry(ctx context.Context, k kernels) (expiryGuard, error) {
	rep, ok := c.Watcher.(kv.ExpiryReporter)
	if !ok {
		return expiryGuard{policy: protocol.ExpiryNone}, nil
	}
	e, err := rep.Expiry(ctx)
	if err != nil {
		return expiryGuard{}, fmt.Errorf("applied: reading the bucket's expiry configuration before starting "+
			"(refusing to fold a bucket that may remove keys by age unseen; restart to retry): %w", err)
	}
	g := expiryGuard{policy: k.expiryAdmit(e.AgesOut(), e.MarkerTTL > 0, c.AcceptExpiryDivergence)}
	switch g.policy {
	case protocol.ExpiryRefused:
		return g, e.InvisibleError(bucketName(c.Watcher))
	case protocol.ExpiryGuarded:
		skew := c.ExpiryClockSkew
		if skew <= 0 {
			skew = DefaultExpiryClockSkew
		}
		g.ttl = int64(e.MarkerTTL - min(skew, e.MarkerTTL/2))
	}
	return g, nil
}

// bucketName names the watched bucket for errors, when the Watcher can say.
func bucketName(w kv.Watcher) string {
	if n, ok := w.(interface{ Name() string }); ok {
		return n.Name()
	}
	return ""
}

// startContact sets the contact time the loop starts with, on a guarded bucket: for a
// state-sync watch the time now (its snapshot brings everything the stream holds); for a
// resume the one stored with the cursor, unless that contact is lost
// (protocol.ExpiryContactLost: the fold was down as long as markers live, or stores none), and
// then the start becomes the key-diff resync, which sets the contact itself.
func (l *loop[U]) startContact(now time.Time) {
	if l.exp.policy == protocol.ExpiryUnguarded {
		l.log.Warn("applied: following a bucket that removes keys by age without delete markers (AcceptExpiryDivergence); "+
			"the fold keeps aged-out keys until a reconciliation round or a resync removes them", "policy", l.exp.policy.String())
	}
	if !l.exp.guarded() {
		return
	}
	switch l.plan.action {
	case protocol.ActionStateSync:
		l.contact = now.UnixNano()
		return
	case protocol.ActionResync:
		return
	}
	var stored time.Time
	if l.cfg.Store != nil {
		stored = l.cfg.Store.Stamp().Contact
	}
	var c int64
	if !stored.IsZero() {
		c = stored.UnixNano()
	}
	if l.k.contactLost(c, now.UnixNano(), l.exp.ttl) {
		l.plan.action, l.plan.reason = protocol.ActionResync, protocol.ReasonContactLost
		l.log.Warn("applied: the fold was out of contact with the stream for as long as delete markers live; resyncing",
			"reason", protocol.ReasonContactLost.String(), "cursor", l.resume.String(), "contact", stored,
			"allowed", time.Duration(l.exp.ttl))
		return
	}
	l.contact, l.storedContact = c, c
}

// stampToStore is the stamp a store apply writes with its cursor, or false to leave the stored
// one as it is. The incarnation is the live one once the loop folds the live stream (l.stamp),
// else the one already stored; on a guarded bucket the contact time goes with it. A contact
// less than a quarter of the allowed time ahead of the stored one is not written: an older
// contact beside a newer cursor is sound (it only brings a resync forward), and the append log
// then writes no stamp record for every flush.
func (l *loop[U]) stampToStore() (snapshot.Stamp, bool) {
	if l.stamp == nil && !l.exp.guarded() {
		return snapshot.Stamp{}, false
	}
	var s snapshot.Stamp
	if l.stamp != nil {
		s = *l.stamp
	} else {
		s = l.cfg.Store.Stamp()
	}
	s.Contact = time.Time{}
	if c := l.contactToStore(); c > 0 {
		s.Contact = time.Unix(0, c).UTC()
	}
	return s, true
}

// contactToStore is the contact a store apply writes (0: none; see stampToStore).
func (l *loop[U]) contactToStore() int64 {
	if !l.exp.guarded() {
		return 0
	}
	if l.storedContact > 0 && l.contact-l.storedContact < l.exp.ttl/4 {
		return l.storedContact
	}
	return l.contact
}

// now is the local clock of the contact checks.
func (l *loop[U]) now() time.Time {
	if l.cfg.clock != nil {
		return l.cfg.clock()
	}
	return time.Now()
}
