---- MODULE MC_Expiry_MutContactAtReadTime ----
\* The TLA+ mirror of the Go model configuration Expiry_MutContactAtReadTime (model/configs):
\* call-site mutation ContactAtReadTime.
\* The constants are set in MC_Expiry_MutContactAtReadTime.cfg.
EXTENDS Expiry
====
