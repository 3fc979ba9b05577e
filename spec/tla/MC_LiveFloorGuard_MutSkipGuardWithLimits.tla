---- MODULE MC_LiveFloorGuard_MutSkipGuardWithLimits ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutSkipGuardWithLimits (model/configs):
\* MaxRev=5, kernel mutation: the trip skipped on a stream with a limit.
\* The constants are set in MC_LiveFloorGuard_MutSkipGuardWithLimits.cfg.
EXTENDS LiveFloorGuard
====
