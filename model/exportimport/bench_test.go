package exportimport

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

// BenchmarkCheckShippedFailStop measures a full check of the default shipped configuration
// with the model's exact fingerprint, against the generic maphash.Comparable fingerprint as the
// baseline measured in the same run. states/s counts generated states.
func BenchmarkCheckShippedFailStop(b *testing.B) {
	c := cfg(PointerSwap, ResyncFailStop, MutNone)
	for _, bc := range []struct {
		name string
		m    check.Model[State]
	}{
		{"baseline=generic-hash", plain{MustNew(c)}},
		{"exact-fingerprint", MustNew(c)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var gen uint64
			for i := 0; i < b.N; i++ {
				r := check.Run(bc.m, check.Options{})
				if !r.OK() {
					b.Fatal(r.Report())
				}
				gen += r.Generated
			}
			b.ReportMetric(float64(gen)/b.Elapsed().Seconds(), "states/s")
		})
	}
}
