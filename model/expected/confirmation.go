package expected

import "fmt"

// Confirmation records which checkers have reproduced a row: a set of {go, tlc}.
type Confirmation uint8

const (
	// Unconfirmed: no checker has reproduced the row yet, written "-".
	Unconfirmed Confirmation = 0
	// ByGo: the Go checker reproduced it, written "go".
	ByGo Confirmation = 1
	// ByTLC: TLC reproduced it, written "tlc".
	ByTLC Confirmation = 2
	// ByBoth: both did, written "both".
	ByBoth = ByGo | ByTLC
)

// Go reports whether the Go checker confirmed the row.
func (c Confirmation) Go() bool { return c&ByGo != 0 }

// TLC reports whether TLC confirmed the row.
func (c Confirmation) TLC() bool { return c&ByTLC != 0 }

// String returns "-", "go", "tlc" or "both".
func (c Confirmation) String() string {
	switch c {
	case Unconfirmed:
		return "-"
	case ByGo:
		return "go"
	case ByTLC:
		return "tlc"
	case ByBoth:
		return "both"
	}
	return fmt.Sprintf("Confirmation(%d)", uint8(c))
}

// ParseConfirmation parses "-", "go", "tlc" or "both".
func ParseConfirmation(s string) (Confirmation, error) {
	for _, c := range []Confirmation{Unconfirmed, ByGo, ByTLC, ByBoth} {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("confirmed %q, want go, tlc, both or - (no checker yet)", s)
}
