---- MODULE MC_LiveFloorGuard_GuardedStateSyncFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_GuardedStateSyncFiltered (model/configs):
\* MaxRev=5, a state-sync prefix-filtered watch, guarded in both phases.
\* The constants are set in MC_LiveFloorGuard_GuardedStateSyncFiltered.cfg; the witness configs
\* MC_LiveFloorGuard_GuardedStateSyncFiltered__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
