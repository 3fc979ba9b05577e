---- MODULE MC_LiveFloorGuard_MutFrontierOvershoot ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutFrontierOvershoot (model/configs):
\* MaxRev=5, kernel mutation MutFrontierOvershoot.
\* The constants are set in MC_LiveFloorGuard_MutFrontierOvershoot.cfg.
EXTENDS LiveFloorGuard
====
