---- MODULE MC_AppliedCursor_HazardResumeFromMemApplied ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_HazardResumeFromMemApplied (model/configs):
\* MaxRev=5, known-bad variant ResumeFromMemApplied with its single hazard witness.
\* The constants are set in MC_AppliedCursor_HazardResumeFromMemApplied.cfg; the witness configs
\* MC_AppliedCursor_HazardResumeFromMemApplied__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
