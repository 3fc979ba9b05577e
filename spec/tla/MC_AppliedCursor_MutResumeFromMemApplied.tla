---- MODULE MC_AppliedCursor_MutResumeFromMemApplied ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutResumeFromMemApplied (model/configs):
\* MaxRev=5, mutation ResumeFromMemApplied.
\* The constants are set in MC_AppliedCursor_MutResumeFromMemApplied.cfg.
EXTENDS AppliedCursor
====
