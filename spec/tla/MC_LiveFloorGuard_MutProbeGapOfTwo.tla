---- MODULE MC_LiveFloorGuard_MutProbeGapOfTwo ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutProbeGapOfTwo (model/configs):
\* MaxRev=5, kernel mutation MutProbeGapOfTwo.
\* The constants are set in MC_LiveFloorGuard_MutProbeGapOfTwo.cfg.
EXTENDS LiveFloorGuard
====
