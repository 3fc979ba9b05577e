---- MODULE MC_AppliedCursor_UnknownVersions ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_UnknownVersions (model/configs):
\* MaxRev=5, extension UnknownVersions.
\* The constants are set in MC_AppliedCursor_UnknownVersions.cfg; the witness configs
\* MC_AppliedCursor_UnknownVersions__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
