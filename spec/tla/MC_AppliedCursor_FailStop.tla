---- MODULE MC_AppliedCursor_FailStop ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_FailStop (model/configs):
\* MaxRev=5, extension FailStop.
\* The constants are set in MC_AppliedCursor_FailStop.cfg; the witness configs
\* MC_AppliedCursor_FailStop__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
