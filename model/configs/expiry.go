package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/expiry"
)

// expiryConfigs returns the configurations of the expiry model: the fix with markers and its
// refusal without them, the two holes of the consumer without the fix (each as a hazard witness
// and as a contrast that violates convergence), one mutation per kernel and per call site, and
// the fix at larger bounds in the deep tier.
func expiryConfigs() []Config {
	ex := func(name, desc string, c expiry.Config) Config {
		return Model(name, desc, func() check.Model[expiry.State] { return expiry.New(c) })
	}
	return []Config{
		ex("Expiry_Guarded", "fix with markers: contact checked on resume, delivery and caught-up refresh; every run converges (4 properties)",
			expiry.Config{Markers: true}),
		ex("Expiry_RefusedWithoutMarkers", "fix without markers: the bucket is refused (2 properties)",
			expiry.Config{}),
		ex("Expiry_HazardNoMarkers", "known-bad: without markers an aged-out key stays in the fold forever",
			expiry.Config{Mode: expiry.NoFix, Properties: expiry.HazardWitness}),
		ex("Expiry_HazardMarkerOutlived", "known-bad: a marker outlived by the consumer's downtime, or by a lagging watch, leaves the key in the fold forever (2 properties)",
			expiry.Config{Markers: true, Mode: expiry.NoFix, Properties: expiry.HazardWitness}),
		ex("Expiry_MutNoMarkers", "contrast: without markers and without the fix convergence must be violated",
			expiry.Config{Mode: expiry.NoFix}),
		ex("Expiry_MutNoContact", "contrast: markers without a contact check must violate convergence",
			expiry.Config{Markers: true, Mode: expiry.NoFix}),
		ex("Expiry_MutAdmitWithoutMarkers", "kernel mutation: admitting a bucket without markers must violate convergence",
			expiry.Config{Kernels: expiry.Kernels{Admit: expiry.MutAdmitWithoutMarkers}}),
		ex("Expiry_MutLostStrict", "kernel mutation: a contact check with an exclusive TTL bound must violate convergence",
			expiry.Config{Markers: true, Kernels: expiry.Kernels{Lost: expiry.MutLostStrict}}),
		ex("Expiry_MutAdvanceOvershoot", "kernel mutation: a contact one tick ahead of its evidence must violate convergence",
			expiry.Config{Markers: true, Kernels: expiry.Kernels{Advance: expiry.MutAdvanceOvershoot}}),
		ex("Expiry_MutContactAtReadTime", "call-site mutation: a delivery advancing the contact to the read time, not the record's stamp, must violate convergence",
			expiry.Config{Markers: true, Mode: expiry.ContactAtReadTime}),
		ex("Expiry_MutNoLiveCheck", "call-site mutation: checking the contact on resume only must violate convergence",
			expiry.Config{Markers: true, Mode: expiry.NoLiveCheck}),
		ex("Expiry_Deep_Guarded", "fix with markers at larger bounds: 8 ticks, TTL 3, 3 writes, 2 crashes (4 properties)",
			expiry.Config{Markers: true, Bounds: expiry.Bounds{MaxTime: 8, TTL: 3, MaxPuts: 3, MaxCrashes: 2}}),
	}
}
