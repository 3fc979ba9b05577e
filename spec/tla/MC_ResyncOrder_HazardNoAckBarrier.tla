---- MODULE MC_ResyncOrder_HazardNoAckBarrier ----
\* The TLA+ mirror of the Go model configuration ResyncOrder_HazardNoAckBarrier (model/configs):
\* known-bad variant NoAckBarrier with its single hazard witness.
\* The constants are set in MC_ResyncOrder_HazardNoAckBarrier.cfg; the witness configs
\* MC_ResyncOrder_HazardNoAckBarrier__W_*.cfg run with this module too.
EXTENDS ResyncOrder
====
