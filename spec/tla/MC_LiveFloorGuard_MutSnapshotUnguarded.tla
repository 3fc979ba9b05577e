---- MODULE MC_LiveFloorGuard_MutSnapshotUnguarded ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutSnapshotUnguarded (model/configs):
\* MaxRev=5, kernel mutation MutStartAtLast: the state-sync guard starts at the snapshot's end.
\* The constants are set in MC_LiveFloorGuard_MutSnapshotUnguarded.cfg.
EXTENDS LiveFloorGuard
====
