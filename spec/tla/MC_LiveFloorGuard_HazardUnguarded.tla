---- MODULE MC_LiveFloorGuard_HazardUnguarded ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_HazardUnguarded (model/configs):
\* MaxRev=5, the unguarded variant with its own property list.
\* The constants are set in MC_LiveFloorGuard_HazardUnguarded.cfg; the witness configs
\* MC_LiveFloorGuard_HazardUnguarded__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
