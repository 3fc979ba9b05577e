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
func retentionOf(c jetstream.StreamConfig) protocol.StreamRetention {
	return protocol.StreamRetention{
		AckRemoval: c.Retention != jetstream.LimitsPolicy,
		MaxAge:     c.MaxAge > 0,
		MaxMsgs:    c.MaxMsgs > 0,
		MaxBytes:   c.MaxBytes > 0,
		MsgTTL:     c.AllowMsgTTL,
		MarkerTTL:  c.SubjectDeleteMarkerTTL > 0,
		Schedules:  c.AllowMsgSchedules,
	}
}
