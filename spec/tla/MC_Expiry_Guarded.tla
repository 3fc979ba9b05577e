---- MODULE MC_Expiry_Guarded ----
\* The TLA+ mirror of the Go model configuration Expiry_Guarded (model/configs):
\* fix with markers.
\* The constants are set in MC_Expiry_Guarded.cfg; the witness configs
\* MC_Expiry_Guarded__W_*.cfg run with this module too.
EXTENDS Expiry
====
