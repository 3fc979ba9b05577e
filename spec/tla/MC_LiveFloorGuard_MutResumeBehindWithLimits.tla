---- MODULE MC_LiveFloorGuard_MutResumeBehindWithLimits ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutResumeBehindWithLimits (model/configs):
\* MaxRev=5, kernel mutation: a resume check accepting a cursor behind the first sequence on a stream with a limit.
\* The constants are set in MC_LiveFloorGuard_MutResumeBehindWithLimits.cfg.
EXTENDS LiveFloorGuard
====
