package foldwl

import "time"

// Options configures the fold workload. Zero fields take the defaults shown.
type Options struct {
	Bucket  string // the writer's bucket ("folds")
	Keys    int    // keys the writer spreads its puts and deletes over (16)
	Exports bool   // run the exporter fleet and the pointer poller
	Imports bool   // bootstrap folds with ImportRemote during the run (needs Exports)
	// WriteRate caps the writer's operations per second (25), so that the KV clients keep
	// most of the operation numbers the nemesis hands out.
	WriteRate float64
	// GapMin and GapMax bound the writer's operations between two restarts or imports, drawn
	// from the seed (40 and 100).
	GapMin, GapMax int
	// ExportTTL is the export lease's time to live and the rounds' period (2 s).
	ExportTTL time.Duration
	// RequestTimeout bounds each request of the writer, the consumers and the exporters (1 s).
	RequestTimeout time.Duration
	// CatchUp bounds the wait, after the heal, for every fold to reach the bucket's last
	// revision (1 min).
	CatchUp time.Duration
	// Operator lists the operator actions (OperatorActions) done to the bucket at points drawn
	// from the seed, like the restarts; empty: none.
	Operator []string
	// OpGapMin and OpGapMax bound the writer's operations between two operator actions, drawn
	// from the seed (GapMin and GapMax).
	OpGapMin, OpGapMax int
	// ReconcileEvery is the folds' anti-entropy period (applied.Config.ReconcileEvery; 2 s
	// with an Operator, so that every removal is repaired well before the checks, otherwise
	// the library's default). Negative turns reconciliation off (a fold that cannot repair
	// what the watch cannot see).
	ReconcileEvery time.Duration
	// BrokenFold makes the first append-log fold move its cursor over deletes it never
	// applies: a deliberately broken consumer, to show that the checks catch it.
	BrokenFold bool
}

func (o Options) withDefaults() Options {
	if o.Bucket == "" {
		o.Bucket = "folds"
	}
	if o.Keys == 0 {
		o.Keys = 16
	}
	if o.WriteRate == 0 {
		o.WriteRate = 25
	}
	if o.GapMin == 0 {
		o.GapMin, o.GapMax = 40, 100
	}
	o.GapMax = max(o.GapMax, o.GapMin)
	if o.OpGapMin == 0 {
		o.OpGapMin, o.OpGapMax = o.GapMin, o.GapMax
	}
	o.OpGapMax = max(o.OpGapMax, o.OpGapMin)
	if o.ExportTTL == 0 {
		o.ExportTTL = 2 * time.Second
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = time.Second
	}
	if o.ReconcileEvery == 0 && len(o.Operator) > 0 {
		o.ReconcileEvery = 2 * time.Second
	}
	if o.CatchUp == 0 {
		o.CatchUp = time.Minute
	}
	o.Imports = o.Imports && o.Exports
	return o
}
