package kv

import "time"

// Entry is one key's value at one version.
type Entry struct {
	Key     string
	Value   []byte
	Version Version
}

// Op says what an Update did to its key.
type Op uint8

const (
	// OpPut wrote Value under the key.
	OpPut Op = iota + 1
	// OpDelete removed the key with a delete marker (history before it may remain).
	OpDelete
	// OpPurge removed the key and reclaimed its history. Folds treat it exactly like OpDelete;
	// a backend with no purge semantics reports OpDelete.
	OpPurge
)

// String names the operation.
func (o Op) String() string {
	switch o {
	case OpPut:
		return "put"
	case OpDelete:
		return "delete"
	case OpPurge:
		return "purge"
	}
	return "op(?)"
}

// Update is one change delivered by a watch. Value is set only for OpPut. Version is the
// revision of the change, or the unknown version when the backend could not tell it (an
// unknown version never moves a cursor).
type Update struct {
	Op      Op
	Key     string
	Value   []byte
	Version Version
	// Stamp is when the stream stored the change (the server's clock), or the zero time when
	// the backend could not tell. A fold uses it as evidence of contact with the stream.
	Stamp time.Time
	// Expired: the update is the marker the backend wrote for a key removed by age (an OpPurge).
	Expired bool
}

// IsDelete reports whether the update removes its key (OpDelete or OpPurge).
func (u Update) IsDelete() bool { return u.Op == OpDelete || u.Op == OpPurge }
