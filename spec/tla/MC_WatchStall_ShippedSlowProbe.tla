---- MODULE MC_WatchStall_ShippedSlowProbe ----
\* The TLA+ mirror of the Go model configuration WatchStall_ShippedSlowProbe (model/configs):
\* shipped detector, a probe every 2 ticks, a 3-tick window.
\* The constants are set in MC_WatchStall_ShippedSlowProbe.cfg; the witness configs
\* MC_WatchStall_ShippedSlowProbe__W_*.cfg run with this module too.
EXTENDS WatchStall
====
