---- MODULE MC_ResyncOrder_MutNoAckBarrier ----
\* The TLA+ mirror of the Go model configuration ResyncOrder_MutNoAckBarrier (model/configs):
\* mutation NoAckBarrier.
\* The constants are set in MC_ResyncOrder_MutNoAckBarrier.cfg.
EXTENDS ResyncOrder
====
