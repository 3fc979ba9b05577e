---- MODULE MC_LiveFloorGuard_GuardedStateSync ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_GuardedStateSync (model/configs):
\* MaxRev=5, a state-sync All-scope watch, guarded in its snapshot and live phases.
\* The constants are set in MC_LiveFloorGuard_GuardedStateSync.cfg; the witness configs
\* MC_LiveFloorGuard_GuardedStateSync__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
