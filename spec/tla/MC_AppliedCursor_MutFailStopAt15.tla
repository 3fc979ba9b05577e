---- MODULE MC_AppliedCursor_MutFailStopAt15 ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutFailStopAt15 (model/configs):
\* MaxRev=5, extension FailStop, kernel mutation MutStoreFailureAt(15).
\* The constants are set in MC_AppliedCursor_MutFailStopAt15.cfg.
EXTENDS AppliedCursor
====
