---- MODULE MC_Expiry_Deep_Guarded ----
\* The TLA+ mirror of the Go model configuration Expiry_Deep_Guarded (model/configs):
\* fix with markers at larger bounds.
\* The constants are set in MC_Expiry_Deep_Guarded.cfg.
EXTENDS Expiry
====
