---- MODULE MC_WatchStall_MutBehindByLast ----
\* The TLA+ mirror of the Go model configuration WatchStall_MutBehindByLast (model/configs):
\* call-site mutation BehindByLast.
\* The constants are set in MC_WatchStall_MutBehindByLast.cfg.
EXTENDS WatchStall
====
