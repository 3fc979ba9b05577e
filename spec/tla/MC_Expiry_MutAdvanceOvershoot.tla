---- MODULE MC_Expiry_MutAdvanceOvershoot ----
\* The TLA+ mirror of the Go model configuration Expiry_MutAdvanceOvershoot (model/configs):
\* kernel mutation AdvanceOvershoot.
\* The constants are set in MC_Expiry_MutAdvanceOvershoot.cfg.
EXTENDS Expiry
====
