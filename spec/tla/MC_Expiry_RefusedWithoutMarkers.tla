---- MODULE MC_Expiry_RefusedWithoutMarkers ----
\* The TLA+ mirror of the Go model configuration Expiry_RefusedWithoutMarkers (model/configs):
\* fix without markers: the bucket is refused.
\* The constants are set in MC_Expiry_RefusedWithoutMarkers.cfg; the witness configs
\* MC_Expiry_RefusedWithoutMarkers__W_*.cfg run with this module too.
EXTENDS Expiry
====
