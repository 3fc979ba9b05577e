---- MODULE MC_AppliedCursor_MutRestartPastFrontier ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_MutRestartPastFrontier (model/configs):
\* MaxRev=5, extension WatchRestart, kernel mutation MutRestartPastFrontier.
\* The constants are set in MC_AppliedCursor_MutRestartPastFrontier.cfg.
EXTENDS AppliedCursor
====
