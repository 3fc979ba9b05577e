---- MODULE MC_Retire_MutPointerWithPayloads ----
\* The TLA+ mirror of the Go model configuration Retire_MutPointerWithPayloads (model/configs):
\* kernel mutation PointerWithPayloads.
\* The constants are set in MC_Retire_MutPointerWithPayloads.cfg.
EXTENDS Retire
====
