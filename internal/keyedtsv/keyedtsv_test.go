package keyedtsv

import (
	"errors"
	"strings"
	"testing"
)

type pair struct {
	k, v string
	line int
}

var testCodec = Codec[pair]{
	File:   "pairs.tsv",
	Fields: []string{"key", "value"},
	Parse: func(f []string, n int) (pair, error) {
		if f[1] == "" {
			return pair{}, errors.New("empty value")
		}
		return pair{k: f[0], v: f[1], line: n}, nil
	},
	Render:  func(p pair) string { return p.k + "\t" + p.v },
	Key:     func(p pair) string { return p.k },
	SetLine: func(p *pair, n int) { p.line = n },
}

// Set rewrites only the row it changes, keeps comments where they stand and appends new keys.
func TestSetRewritesOnlyItsRow(t *testing.T) {
	tab, err := Parse(testCodec, strings.NewReader("# head\na\t1\n\n  # mid\nb\t2\n"))
	if err != nil {
		t.Fatal(err)
	}
	tab.Set(pair{k: "b", v: "20"})
	tab.Set(pair{k: "c", v: "3"})
	if got, want := string(tab.Bytes()), "# head\na\t1\n\n  # mid\nb\t20\nc\t3\n"; got != want {
		t.Fatalf("file after Set:\n%q\nwant\n%q", got, want)
	}
	if b, _ := tab.Get("b"); b.line != 5 || b.v != "20" {
		t.Fatalf("replaced row b = %+v, want value 20 on line 5", b)
	}
	if c, _ := tab.Get("c"); c.line != 6 {
		t.Fatalf("appended row c on line %d, want 6", c.line)
	}
	if _, ok := tab.Get("zz"); ok {
		t.Fatal("Get found a key the file does not hold")
	}
}

// Every malformed file is refused.
func TestParseRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"duplicate key":  "a\t1\na\t2\n",
		"too few fields": "a\n",
		"too many":       "a\t1\t2\n",
		"row rejects":    "a\t \n",
	} {
		if _, err := Parse(testCodec, strings.NewReader(text)); err == nil {
			t.Errorf("%s: Parse(%q) = %v, want an error", name, text, err)
		}
	}
}
