---- MODULE MC_LiveFloorGuard_SupersessionOnly ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_SupersessionOnly (model/configs):
\* MaxRev=5, a stream without limits evicts only superseded records and the guard never trips.
\* The constants are set in MC_LiveFloorGuard_SupersessionOnly.cfg; the witness configs
\* MC_LiveFloorGuard_SupersessionOnly__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
