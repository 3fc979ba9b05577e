---- MODULE MC_LiveFloorGuard_MutPeriodicOnly ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutPeriodicOnly (model/configs):
\* MaxRev=5, rejected design: timer-only guard, deliveries ungated.
\* The constants are set in MC_LiveFloorGuard_MutPeriodicOnly.cfg.
EXTENDS LiveFloorGuard
====
