---- MODULE MC_WatchStall_MutNoWindow ----
\* The TLA+ mirror of the Go model configuration WatchStall_MutNoWindow (model/configs):
\* kernel mutation NoWindow.
\* The constants are set in MC_WatchStall_MutNoWindow.cfg.
EXTENDS WatchStall
====
