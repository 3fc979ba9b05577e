---- MODULE MC_LiveFloorGuard_GuardedFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_GuardedFiltered (model/configs):
\* MaxRev=5, a resumed prefix-filtered watch, guard with caught-up frontier advance.
\* The constants are set in MC_LiveFloorGuard_GuardedFiltered.cfg; the witness configs
\* MC_LiveFloorGuard_GuardedFiltered__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
