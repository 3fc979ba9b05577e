package natsstore

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/protocol"
)

// retentionOf reads each setting that can remove a key's latest record, and nothing else: a
// history, unlimited (-1) sizes, purge and rollup permissions leave the guard off, and so do
// message and byte caps under the discard-new policy, which refuses writes rather than remove.
func TestRetentionOfStreamConfig(t *testing.T) {
	history := jetstream.StreamConfig{Retention: jetstream.LimitsPolicy, MaxMsgs: -1, MaxBytes: -1,
		MaxMsgsPerSubject: 1, AllowRollup: true, DenyDelete: true, Discard: jetstream.DiscardNew}
	with := func(edit func(*jetstream.StreamConfig)) jetstream.StreamConfig {
		c := history
		edit(&c)
		return c
	}
	for _, c := range []struct {
		name string
		cfg  jetstream.StreamConfig
		want protocol.StreamRetention
	}{
		{"history only", history, protocol.StreamRetention{}},
		{"MaxAge", with(func(c *jetstream.StreamConfig) { c.MaxAge = time.Hour }), protocol.StreamRetention{MaxAge: true}},
		{"MaxMsgs, discard new", with(func(c *jetstream.StreamConfig) { c.MaxMsgs = 10 }), protocol.StreamRetention{}},
		{"MaxBytes, discard new", with(func(c *jetstream.StreamConfig) { c.MaxBytes = 1 << 20 }), protocol.StreamRetention{}},
		{"MaxMsgs, discard old", with(func(c *jetstream.StreamConfig) { c.MaxMsgs, c.Discard = 10, jetstream.DiscardOld }), protocol.StreamRetention{MaxMsgs: true}},
		{"MaxBytes, discard old", with(func(c *jetstream.StreamConfig) { c.MaxBytes, c.Discard = 1<<20, jetstream.DiscardOld }), protocol.StreamRetention{MaxBytes: true}},
		{"discard old alone", with(func(c *jetstream.StreamConfig) { c.Discard = jetstream.DiscardOld }), protocol.StreamRetention{}},
		{"AllowMsgTTL", with(func(c *jetstream.StreamConfig) { c.AllowMsgTTL = true }), protocol.StreamRetention{MsgTTL: true}},
		{"SubjectDeleteMarkerTTL", with(func(c *jetstream.StreamConfig) { c.SubjectDeleteMarkerTTL = time.Minute }), protocol.StreamRetention{MarkerTTL: true}},
		{"AllowMsgSchedules", with(func(c *jetstream.StreamConfig) { c.AllowMsgSchedules = true }), protocol.StreamRetention{Schedules: true}},
		{"interest retention", with(func(c *jetstream.StreamConfig) { c.Retention = jetstream.InterestPolicy }), protocol.StreamRetention{AckRemoval: true}},
		{"work-queue retention", with(func(c *jetstream.StreamConfig) { c.Retention = jetstream.WorkQueuePolicy }), protocol.StreamRetention{AckRemoval: true}},
	} {
		if got := retentionOf(c.cfg); got != c.want {
			t.Errorf("%s: retentionOf = %+v, want %+v", c.name, got, c.want)
		}
	}
}
