package main

import (
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/chaos/foldwl"
)

func TestOperatorFromEnv(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", foldwl.RepairedActions},
		{"none", nil},
		{"purges", []string{foldwl.OpRawDelete, foldwl.OpSubjectPurge, foldwl.OpMarkerPurge}},
		{"all", foldwl.OperatorActions},
		{" raw-delete , subject-purge", []string{foldwl.OpRawDelete, foldwl.OpSubjectPurge}},
	} {
		got, err := operatorFromEnv(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("operatorFromEnv(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := operatorFromEnv("subject-purge,drop-table"); err == nil {
		t.Error("an unknown action was accepted")
	}
}

// Whatever the variable holds, the result is an error or a list of known actions.
func FuzzOperatorFromEnv(f *testing.F) {
	for _, s := range []string{"", "none", "all", "purges", "raw-delete,marker-purge", ",", "raw-delete,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := operatorFromEnv(s)
		if err != nil {
			return
		}
		for _, a := range got {
			if !slices.Contains(foldwl.OperatorActions, a) {
				t.Fatalf("operatorFromEnv(%q) gave unknown action %q", s, a)
			}
		}
	})
}
