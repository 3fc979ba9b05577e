---- MODULE MC_LiveFloorGuard_Guarded ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_Guarded (model/configs):
\* MaxRev=5, shipped in-band floor guard.
\* The constants are set in MC_LiveFloorGuard_Guarded.cfg; the witness configs
\* MC_LiveFloorGuard_Guarded__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
