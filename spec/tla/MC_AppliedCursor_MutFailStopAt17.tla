---- MODULE MC_AppliedCursor_MutFailStopAt17 ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutFailStopAt17 (model/configs):
\* MaxRev=5, extension FailStop, kernel mutation MutStoreFailureAt(17).
\* The constants are set in MC_AppliedCursor_MutFailStopAt17.cfg.
EXTENDS AppliedCursor
====
