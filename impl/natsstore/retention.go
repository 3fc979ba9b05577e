package natsstore

import (
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/protocol"
)

// retentionOf reduces a stream configuration to the settings that can remove a key's latest
// record (protocol.StreamRetention). A bucket created with only a history (MaxMsgsPerSubject)
// and no other limit has none: the server then removes a record only when its key has a newer
// one, so the floor guard need not trip there (protocol.FloorGuardRequired). Zero and negative
// values of the numeric limits mean unlimited, as they do to the server.
//
// MaxMsgs and MaxBytes remove records only under the discard-old policy. Under discard-new (a
// KV bucket's default, and kv.StoreConfig's) a full stream refuses the write instead, and the
// server's file and memory stores both return from their limit enforcement without removing
// anything unless the policy is discard-old; so a default bucket, 10 MiB cap included, counts
// as one where only supersession removes records. A stream switched to discard-old later is
// seen at the next check, which reads the configuration again.
func retentionOf(c jetstream.StreamConfig) protocol.StreamRetention {
	evicts := c.Discard == jetstream.DiscardOld
	return protocol.StreamRetention{
		AckRemoval: c.Retention != jetstream.LimitsPolicy,
		MaxAge:     c.MaxAge > 0,
		MaxMsgs:    c.MaxMsgs > 0 && evicts,
		MaxBytes:   c.MaxBytes > 0 && evicts,
		MsgTTL:     c.AllowMsgTTL,
		MarkerTTL:  c.SubjectDeleteMarkerTTL > 0,
		Schedules:  c.AllowMsgSchedules,
	}
}
