package expiry

import "fmt"

// Kind is the kind of a key's record in the stream.
type Kind uint8

const (
	// None: the key has no record.
	None Kind = iota
	// Put: the record is a value.
	Put
	// Marker: the record is a subject delete marker left by an age-out.
	Marker
)

// Cause says how a marker above the frontier expired unseen.
type Cause uint8

const (
	// NotLost: no marker expired unseen.
	NotLost Cause = iota
	// LostDown: it expired while the consumer was down.
	LostDown
	// LostLag: it expired while the consumer ran but had not read it.
	LostLag
)

// How is what last changed the fold.
type How uint8

const (
	// Nothing changed the fold yet.
	Nothing How = iota
	// DeliveredPut: the watch delivered a put.
	DeliveredPut
	// DeliveredMarker: the watch delivered a marker (folded as a delete).
	DeliveredMarker
	// ResyncOnResume: a resume found the contact lost and resynced.
	ResyncOnResume
	// ResyncLive: the running watch found the contact lost and resynced.
	ResyncLive
)

// Keys is the number of keys in the model's bucket. Two are needed: a delivery of one key's
// record is evidence about the stream only up to its stamp, while another key's later marker
// may still be pending (mutation ContactAtReadTime is caught only with a second key).
const Keys = 2

// Rec is a key's record in the stream: its sequence, kind and stream stamp (0, None, 0 when the
// key has none).
type Rec struct {
	Seq  uint8
	Kind Kind
	Time uint8
}

// State is one state of the model.
type State struct {
	Now, Puts, Head   uint8
	K                 [Keys]Rec
	FLive             [Keys]bool
	Frontier, Contact uint8
	Up, Refused       bool
	Crashes           uint8
	LostBy            Cause
	How               How
}

// String formats the state for traces.
func (s State) String() string {
	return fmt.Sprintf("now=%d puts=%d head=%d k=%v fold=%v frontier=%d contact=%d up=%v refused=%v crashes=%d lostBy=%d how=%d",
		s.Now, s.Puts, s.Head, s.K, s.FLive, s.Frontier, s.Contact, s.Up, s.Refused, s.Crashes, s.LostBy, s.How)
}
