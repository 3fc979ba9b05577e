---- MODULE MC_AppliedCursor_WatchRestart ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_WatchRestart (model/configs):
\* MaxRev=5, extension WatchRestart.
\* The constants are set in MC_AppliedCursor_WatchRestart.cfg; the witness configs
\* MC_AppliedCursor_WatchRestart__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
