---- MODULE MC_AppliedCursor_MutDropFailedBatch ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutDropFailedBatch (model/configs):
\* MaxRev=5, mutation DropFailedBatch (the re-queue kernel dropping the failed batch).
\* The constants are set in MC_AppliedCursor_MutDropFailedBatch.cfg.
EXTENDS AppliedCursor
====
