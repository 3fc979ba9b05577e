package linearizability

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadHistoryRefuses(t *testing.T) {
	cases := map[string]string{
		"malformed":      `{"client":0,"key":"a"`,
		"unknown field":  `{"client":0,"key":"a","kind":"put","value":"v","outcome":"ok","rev":1,"call":0,"return":1,"extra":1}`,
		"unknown kind":   `{"client":0,"key":"a","kind":"append","outcome":"ok","call":0,"return":1}`,
		"times reversed": `{"client":0,"key":"a","kind":"put","value":"v","outcome":"ok","rev":1,"call":5,"return":1}`,
		"read on write":  `{"client":0,"key":"a","kind":"put","value":"v","outcome":"ok","rev":1,"found":true,"call":0,"return":1}`,
		"two values":     `{"client":0,"key":"a","kind":"delete","outcome":"ok","call":0,"return":1} {}`,
		"client reuse after unknown": `{"client":0,"key":"a","kind":"put","value":"v","outcome":"unknown","call":0,"return":1}
{"client":0,"key":"a","kind":"put","value":"w","outcome":"ok","rev":2,"call":2,"return":3}`,
		"overlap": `{"client":0,"key":"a","kind":"put","value":"v","outcome":"ok","rev":1,"call":0,"return":10}
{"client":0,"key":"a","kind":"put","value":"w","outcome":"ok","rev":2,"call":5,"return":12}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			ops, err := ReadHistory(strings.NewReader(in))
			if !errors.Is(err, ErrInvalidHistory) {
				t.Fatalf("ReadHistory = %v, %v; want ErrInvalidHistory", ops, err)
			}
		})
	}
}

func TestHistoryFileRoundTrip(t *testing.T) {
	ops := []Operation{
		{Client: 0, Key: "a", Kind: KindCreate, Value: "v1", Outcome: OutcomeOK, Revision: 3, Call: 1, Return: 9},
		{Client: 1, Key: "a", Kind: KindLeaderGet, Outcome: OutcomeOK, Found: true, Read: "v1", Revision: 3, Call: 2, Return: 10},
		{Client: 0, Key: "a", Kind: KindUpdate, Value: "<v2&>", Expected: 3, Outcome: OutcomeWriteInFlight, Err: "in flight", Call: 11, Return: 12},
		{Client: 2, Key: "b", Kind: KindPut, Value: "x", Outcome: OutcomeUnknown, Err: "timeout", Call: 0, Return: 50},
	}
	path := filepath.Join(t.TempDir(), "history.jsonl")
	if err := WriteHistoryFile(path, ops); err != nil {
		t.Fatal(err)
	}
	back, err := ReadHistoryFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, ops) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, ops)
	}
}

// FuzzReadHistory: any input is either refused with ErrInvalidHistory or parsed into a valid
// history that survives a write/read round trip unchanged.
func FuzzReadHistory(f *testing.F) {
	f.Add([]byte(`{"client":0,"key":"a","kind":"put","value":"v","outcome":"ok","rev":1,"call":0,"return":1}`))
	f.Add([]byte(`{"client":1,"key":"a","kind":"leader-get","outcome":"ok","found":true,"read":"v","rev":1,"call":2,"return":3}` + "\n\n" +
		`{"client":2,"key":"b","kind":"update","value":"w","expected":1,"outcome":"revision-mismatch","call":0,"return":4}`))
	f.Add([]byte(`{"client":0,"key":"a","kind":"delete","outcome":"unknown","err":"timeout","call":0,"return":1}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		ops, err := ReadHistory(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrInvalidHistory) {
				t.Fatalf("error without ErrInvalidHistory: %v", err)
			}
			return
		}
		if err := ValidateHistory(ops); err != nil {
			t.Fatalf("parsed history does not validate: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteHistory(&buf, ops); err != nil {
			t.Fatal(err)
		}
		back, err := ReadHistory(&buf)
		if err != nil {
			t.Fatalf("re-reading a written history: %v", err)
		}
		if !slices.Equal(back, ops) {
			t.Fatalf("round trip changed the history:\n got %+v\nwant %+v", back, ops)
		}
	})
}
