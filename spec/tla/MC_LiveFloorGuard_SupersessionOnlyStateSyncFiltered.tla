---- MODULE MC_LiveFloorGuard_SupersessionOnlyStateSyncFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_SupersessionOnlyStateSyncFiltered (model/configs):
\* MaxRev=5, a state-sync prefix-filtered watch with caught-up advance on a stream without limits; the guard never trips.
\* The constants are set in MC_LiveFloorGuard_SupersessionOnlyStateSyncFiltered.cfg; the witness configs
\* MC_LiveFloorGuard_SupersessionOnlyStateSyncFiltered__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
