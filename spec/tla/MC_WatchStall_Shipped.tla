---- MODULE MC_WatchStall_Shipped ----
\* The TLA+ mirror of the Go model configuration WatchStall_Shipped (model/configs):
\* shipped detector, a probe every tick, a 2-tick window.
\* The constants are set in MC_WatchStall_Shipped.cfg; the witness configs
\* MC_WatchStall_Shipped__W_*.cfg run with this module too.
EXTENDS WatchStall
====
