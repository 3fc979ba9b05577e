package configs

import (
	"github.com/slipstream-go/slipstream/model/applied"
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/floorguard"
	"github.com/slipstream-go/slipstream/model/resync"
)

// watchLoopConfigs returns the configurations of the three watch-loop models (applied cursor,
// resync order, live floor guard), all in the default tier (each runs in milliseconds):
//
//   - <Model>_<Shipped variant>: the shipped behaviour; every property holds.
//   - <Model>_Hazard<Mutation>: a known-bad variant with its single "HAZARD reachable"
//     sometimes property (holds = the model can express the hazard).
//   - <Model>_Mut<Mutation>: the same variant checked against the shipped properties, which
//     must then be violated (the contrast; the row names the property).
//   - extension configurations (applied: UnknownVersions, FailStop, WatchRestart) and one mutation per
//     kernel, each violating the property its kernel carries.
func watchLoopConfigs() []Config {
	app := func(name, desc string, c applied.Config) Config {
		return Model(name, desc, func() check.Model[applied.State] { return applied.MustNew(c) })
	}
	res := func(name, desc string, c resync.Config) Config {
		return Model(name, desc, func() check.Model[resync.State] { return resync.New(c) })
	}
	fg := func(name, desc string, c floorguard.Config) Config {
		return Model(name, desc, func() check.Model[floorguard.State] { return floorguard.New(c) })
	}
	return []Config{
		app("AppliedCursor_Shipped", "shipped flush path: cursor authority holds (5 properties)",
			applied.Config{}),
		app("AppliedCursor_HazardDropFailedBatch", "known-bad variant DropFailedBatch: the cursor-over-dropped-data hazard is reachable",
			applied.Config{Mutation: applied.DropFailedBatch, Properties: applied.HazardWitness}),
		app("AppliedCursor_HazardResumeFromMemApplied", "known-bad variant ResumeFromMemApplied: the cursor-over-dropped-data hazard is reachable",
			applied.Config{Mutation: applied.ResumeFromMemApplied, Properties: applied.HazardWitness}),
		app("AppliedCursor_MutDropFailedBatch", "mutation (= the re-queue kernel dropping the failed batch): store completeness must be violated",
			applied.Config{Mutation: applied.DropFailedBatch}),
		app("AppliedCursor_MutResumeFromMemApplied", "mutation: resuming from the in-memory cursor must violate store completeness",
			applied.Config{Mutation: applied.ResumeFromMemApplied}),
		app("AppliedCursor_UnknownVersions", "extension UnknownVersions: position-less updates never move the flushed cursor (6 properties)",
			applied.Config{UnknownVersions: true}),
		app("AppliedCursor_MutBatchHighOnUnknown", "kernel mutation: a batch high-water moved by an unknown version leaves a quiescent store behind the head",
			applied.Config{UnknownVersions: true, Kernels: applied.Kernels{BatchHigh: applied.MutBatchHighOnUnknown}}),
		app("AppliedCursor_FailStop", "extension FailStop: 15 consecutive store failures tolerated, the 16th stops the watch (7 properties)",
			applied.Config{FailStop: true}),
		app("AppliedCursor_MutFailStopAt15", "kernel mutation: a store-failure rule stopping at the 15th failure must be caught",
			applied.Config{FailStop: true, Kernels: applied.Kernels{StoreFailure: applied.MutStoreFailureAt(15)}}),
		app("AppliedCursor_MutFailStopAt17", "kernel mutation: a store-failure rule running on after the 16th failure must be caught",
			applied.Config{FailStop: true, Kernels: applied.Kernels{StoreFailure: applied.MutStoreFailureAt(17)}}),
		app("AppliedCursor_WatchRestart", "extension WatchRestart: a failed watch restarted in place after the forwarded frontier keeps the store complete (6 properties)",
			applied.Config{WatchRestart: true}),
		app("AppliedCursor_MutRestartPastFrontier", "kernel mutation: an in-place restart resuming past the forwarded frontier (the update in flight) must violate store completeness",
			applied.Config{WatchRestart: true, Kernels: applied.Kernels{RestartAfter: applied.MutRestartPastFrontier}}),

		res("ResyncOrder_AckBarrier", "shipped resync: the ack barrier makes every run converge (4 properties)",
			resync.Config{}),
		res("ResyncOrder_HazardNoAckBarrier", "known-bad variant NoAckBarrier: a synthetic delete erasing a re-created key is reachable",
			resync.Config{NoAckBarrier: true, Properties: resync.HazardWitness}),
		res("ResyncOrder_MutNoAckBarrier", "mutation: without the ack barrier convergence must be violated",
			resync.Config{NoAckBarrier: true}),

		fg("LiveFloorGuard_Guarded", "shipped in-band floor guard: every run converges (4 properties)",
			floorguard.Config{}),
		fg("LiveFloorGuard_HazardUnguarded", "known-bad unguarded variant: permanent silent divergence is reachable (3 properties)",
			floorguard.Config{Mode: floorguard.Unguarded, Properties: floorguard.UnguardedProperties}),
		fg("LiveFloorGuard_MutUnguarded", "mutation: without the guard convergence must be violated",
			floorguard.Config{Mode: floorguard.Unguarded}),
		fg("LiveFloorGuard_MutPeriodicOnly", "rejected design: a timer-only guard with ungated deliveries must violate convergence",
			floorguard.Config{Mode: floorguard.PeriodicOnly}),
		fg("LiveFloorGuard_MutProbeGapOfTwo", "kernel mutation: probing only on gaps of two revisions must violate convergence",
			floorguard.Config{Kernels: floorguard.Kernels{ProbeNeeded: floorguard.MutProbeGapOfTwo}}),
		fg("LiveFloorGuard_MutTripsLate", "kernel mutation: a trip condition tolerating one evicted revision must violate convergence",
			floorguard.Config{Kernels: floorguard.Kernels{Trips: floorguard.MutTripsLate}}),
		fg("LiveFloorGuard_MutFrontierOvershoot", "kernel mutation: a frontier claiming one revision more than delivered must violate convergence",
			floorguard.Config{Kernels: floorguard.Kernels{Frontier: floorguard.MutFrontierOvershoot}}),
		fg("LiveFloorGuard_GuardedFiltered", "extension: a resumed prefix-filtered watch, guard with caught-up frontier advance: every run converges (5 properties)",
			floorguard.Config{Filtered: true, Advance: true}),
		fg("LiveFloorGuard_GuardedStateSync", "extension: a state-sync All-scope watch (snapshot, then live), guarded in both phases: every run converges (4 properties)",
			floorguard.Config{StateSync: true, Advance: true}),
		fg("LiveFloorGuard_GuardedStateSyncFiltered", "extension: a state-sync prefix-filtered watch, guarded in both phases: every run converges (5 properties)",
			floorguard.Config{StateSync: true, Filtered: true, Advance: true}),
		fg("LiveFloorGuard_HazardUnguardedFiltered", "known-bad: a resumed prefix-filtered watch without a guard (the pre-issue code) diverges permanently (3 properties)",
			floorguard.Config{Filtered: true, Mode: floorguard.Unguarded, Properties: floorguard.UnguardedProperties}),
		fg("LiveFloorGuard_HazardUnguardedStateSync", "known-bad: a state-sync watch without a guard (the pre-issue code) diverges permanently, in its snapshot and in its live phase (5 properties)",
			floorguard.Config{StateSync: true, Mode: floorguard.Unguarded, Properties: floorguard.UnguardedProperties}),
		fg("LiveFloorGuard_MutGapOnlyFiltered", "mutation: a gap-only guard (in-band probes, no backstop) on a filtered scope must violate convergence",
			floorguard.Config{Filtered: true, Mode: floorguard.GapOnly}),
		fg("LiveFloorGuard_MutSnapshotUnguarded", "kernel mutation: a state-sync guard starting at the snapshot's end leaves the snapshot phase unguarded and must violate convergence",
			floorguard.Config{StateSync: true, Advance: true, Kernels: floorguard.Kernels{Start: floorguard.MutStartAtLast}}),
		fg("LiveFloorGuard_MutAdvanceWithoutProof", "kernel mutation: a frontier advancing without a caught-up proof must violate convergence",
			floorguard.Config{Filtered: true, Advance: true, Kernels: floorguard.Kernels{Advance: floorguard.MutAdvanceWithoutProof}}),
		fg("LiveFloorGuard_SupersessionOnly", "retention: a stream without limits evicts only superseded records, the guard never trips, and every run still converges (4 properties)",
			floorguard.Config{Retention: floorguard.SupersessionOnly}),
		fg("LiveFloorGuard_SupersessionOnlyStateSyncFiltered", "retention: a state-sync prefix-filtered watch on a stream without limits, the guard never trips, and every run still converges (5 properties)",
			floorguard.Config{Retention: floorguard.SupersessionOnly, StateSync: true, Filtered: true, Advance: true}),
		fg("LiveFloorGuard_MutSkipGuardWithLimits", "kernel mutation: skipping the trip on a stream with a limit must violate convergence",
			floorguard.Config{Kernels: floorguard.Kernels{Required: floorguard.MutRequiredNever}}),
		fg("LiveFloorGuard_MutSkipGuardWithLimitsStateSyncFiltered", "kernel mutation: skipping the trip on a state-sync prefix-filtered watch on a stream with a limit must violate convergence",
			floorguard.Config{StateSync: true, Filtered: true, Advance: true, Kernels: floorguard.Kernels{Required: floorguard.MutRequiredNever}}),
		fg("LiveFloorGuard_ResumeSupersessionOnly", "resume check: a watch stopped, then resumed from its cursor on a stream without limits, goes on behind the first sequence with no resync, and every run still converges (4 properties)",
			floorguard.Config{Resume: true, Mode: floorguard.Unguarded, Retention: floorguard.SupersessionOnly}),
		fg("LiveFloorGuard_ResumeLimits", "resume check: a watch stopped, then resumed from its cursor on a stream with a limit, is refused behind the first sequence and resyncs, and every run converges (4 properties)",
			floorguard.Config{Resume: true, Mode: floorguard.Unguarded}),
		fg("LiveFloorGuard_MutResumeBehindWithLimits", "kernel mutation: a resume check accepting a cursor behind the first sequence on a stream with a limit must violate convergence",
			floorguard.Config{Resume: true, Mode: floorguard.Unguarded, Kernels: floorguard.Kernels{Resume: floorguard.MutResumeIgnoresRetention}}),
	}
}
