package natsstore

import (
	"regexp"
	"strings"
	"testing"
)

// natsKeyRe is nats.go's key rule, stated as its regular expression.
var natsKeyRe = regexp.MustCompile(`^[-/_=\.a-zA-Z0-9]+$`)

func regexpKeyValid(key string) bool {
	if key == "" || key[0] == '.' || key[len(key)-1] == '.' || strings.Contains(key, "..") {
		return false
	}
	return natsKeyRe.MatchString(key)
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"a", "node.a", "a-b_c/d=e.F9", "x.y.z", "=", "/"} {
		if !validKey(k) {
			t.Errorf("validKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{"", ".", ".a", "a.", "a..b", "a b", "a*", "a.>", "ключ", "a\x00", "a\tb", "a:b"} {
		if validKey(k) {
			t.Errorf("validKey(%q) = true, want false", k)
		}
	}
}

func FuzzValidKey(f *testing.F) {
	for _, k := range []string{"a", "node.a", ".a", "a..b", "a*", "x/y=z", "ä"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if got, want := validKey(key), regexpKeyValid(key); got != want {
			t.Fatalf("validKey(%q) = %v, nats.go's rule says %v", key, got, want)
		}
	})
}
