---- MODULE MC_AppliedCursor_HazardDropFailedBatch ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_HazardDropFailedBatch (model/configs):
\* MaxRev=5, known-bad variant DropFailedBatch with its single hazard witness.
\* The constants are set in MC_AppliedCursor_HazardDropFailedBatch.cfg; the witness configs
\* MC_AppliedCursor_HazardDropFailedBatch__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
