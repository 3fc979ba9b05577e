---- MODULE MC_LiveFloorGuard_MutUnguarded ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutUnguarded (model/configs):
\* MaxRev=5, mutation: no guard.
\* The constants are set in MC_LiveFloorGuard_MutUnguarded.cfg.
EXTENDS LiveFloorGuard
====
