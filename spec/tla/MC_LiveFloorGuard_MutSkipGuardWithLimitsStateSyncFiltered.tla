---- MODULE MC_LiveFloorGuard_MutSkipGuardWithLimitsStateSyncFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutSkipGuardWithLimitsStateSyncFiltered (model/configs):
\* MaxRev=5, kernel mutation: the trip skipped on a state-sync prefix-filtered watch on a stream with a limit.
\* The constants are set in MC_LiveFloorGuard_MutSkipGuardWithLimitsStateSyncFiltered.cfg.
EXTENDS LiveFloorGuard
====
