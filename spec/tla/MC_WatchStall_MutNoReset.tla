---- MODULE MC_WatchStall_MutNoReset ----
\* The TLA+ mirror of the Go model configuration WatchStall_MutNoReset (model/configs):
\* kernel mutation NoReset.
\* The constants are set in MC_WatchStall_MutNoReset.cfg.
EXTENDS WatchStall
====
