---- MODULE MC_LiveFloorGuard_HazardUnguardedFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_HazardUnguardedFiltered (model/configs):
\* MaxRev=5, a resumed prefix-filtered watch without a guard, with its own property list.
\* The constants are set in MC_LiveFloorGuard_HazardUnguardedFiltered.cfg; the witness configs
\* MC_LiveFloorGuard_HazardUnguardedFiltered__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
