package natsstore

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/protocol"
)

// retentionOf reads each setting that can remove a key's latest record, and nothing else: a
// history, unlimited (-1) sizes, purge and rollup permissions leave the guard off.
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
		{"MaxMsgs", with(func(c *jetstream.StreamConfig) { c.MaxMsgs = 10 }), protocol.StreamRetention{MaxMsgs: true}},
		{"MaxBytes", with(func(c *jetstream.StreamConfig) { c.MaxBytes = 1 << 20 }), protocol.StreamRetention{MaxBytes: true}},
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
