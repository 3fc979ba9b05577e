---- MODULE MC_Expiry_MutNoLiveCheck ----
\* The TLA+ mirror of the Go model configuration Expiry_MutNoLiveCheck (model/configs):
\* call-site mutation NoLiveCheck.
\* The constants are set in MC_Expiry_MutNoLiveCheck.cfg.
EXTENDS Expiry
====
