---- MODULE MC_LiveFloorGuard_MutTripsLate ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutTripsLate (model/configs):
\* MaxRev=5, kernel mutation MutTripsLate.
\* The constants are set in MC_LiveFloorGuard_MutTripsLate.cfg.
EXTENDS LiveFloorGuard
====
