---- MODULE MC_AppliedCursor_MutBatchHighOnUnknown ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutBatchHighOnUnknown (model/configs):
\* MaxRev=5, extension UnknownVersions, kernel mutation MutBatchHighOnUnknown.
\* The constants are set in MC_AppliedCursor_MutBatchHighOnUnknown.cfg.
EXTENDS AppliedCursor
====
