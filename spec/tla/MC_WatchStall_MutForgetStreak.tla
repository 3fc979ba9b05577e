---- MODULE MC_WatchStall_MutForgetStreak ----
\* The TLA+ mirror of the Go model configuration WatchStall_MutForgetStreak (model/configs):
\* kernel mutation ForgetStreak.
\* The constants are set in MC_WatchStall_MutForgetStreak.cfg.
EXTENDS WatchStall
====
