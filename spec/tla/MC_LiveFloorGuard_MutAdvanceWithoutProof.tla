---- MODULE MC_LiveFloorGuard_MutAdvanceWithoutProof ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutAdvanceWithoutProof (model/configs):
\* MaxRev=5, kernel mutation MutAdvanceWithoutProof on a filtered scope.
\* The constants are set in MC_LiveFloorGuard_MutAdvanceWithoutProof.cfg.
EXTENDS LiveFloorGuard
====
