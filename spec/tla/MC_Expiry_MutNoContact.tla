---- MODULE MC_Expiry_MutNoContact ----
\* The TLA+ mirror of the Go model configuration Expiry_MutNoContact (model/configs):
\* contrast: markers, no contact check.
\* The constants are set in MC_Expiry_MutNoContact.cfg.
EXTENDS Expiry
====
