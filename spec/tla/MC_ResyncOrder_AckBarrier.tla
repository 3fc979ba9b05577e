---- MODULE MC_ResyncOrder_AckBarrier ----
\* The TLA+ mirror of the Go model configuration ResyncOrder_AckBarrier (model/configs):
\* shipped resync with the ack barrier.
\* The constants are set in MC_ResyncOrder_AckBarrier.cfg; the witness configs
\* MC_ResyncOrder_AckBarrier__W_*.cfg run with this module too.
EXTENDS ResyncOrder
====
