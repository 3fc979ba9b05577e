---- MODULE MC_LiveFloorGuard_HazardUnguardedStateSync ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_HazardUnguardedStateSync (model/configs):
\* MaxRev=5, a state-sync watch without a guard, with its own property list.
\* The constants are set in MC_LiveFloorGuard_HazardUnguardedStateSync.cfg; the witness configs
\* MC_LiveFloorGuard_HazardUnguardedStateSync__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
