package floorguard

import "github.com/slipstream-go/slipstream/protocol"

// Retention is how the stream may evict records.
type Retention uint8

const (
	// LimitEviction is a stream with a limit (MaxMsgs here): any record may be evicted from
	// the front, the sentinel's delete marker included.
	LimitEviction Retention = iota
	// SupersessionOnly is a stream without limits: only a record whose key has a newer record
	// is evicted.
	SupersessionOnly
)

// String names the retention.
func (r Retention) String() string {
	if r == SupersessionOnly {
		return "SupersessionOnly"
	}
	return "LimitEviction"
}

// streamRetention is the stream configuration the model's retention stands for, the input of
// the Required kernel.
func (r Retention) streamRetention() protocol.StreamRetention {
	if r == SupersessionOnly {
		return protocol.StreamRetention{}
	}
	return protocol.StreamRetention{MaxMsgs: true}
}
