---- MODULE MC_Expiry_MutLostStrict ----
\* The TLA+ mirror of the Go model configuration Expiry_MutLostStrict (model/configs):
\* kernel mutation LostStrict.
\* The constants are set in MC_Expiry_MutLostStrict.cfg.
EXTENDS Expiry
====
