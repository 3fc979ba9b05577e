---- MODULE MC_Expiry_HazardNoMarkers ----
\* The TLA+ mirror of the Go model configuration Expiry_HazardNoMarkers (model/configs):
\* known-bad: no markers, no fix.
\* The constants are set in MC_Expiry_HazardNoMarkers.cfg; the witness configs
\* MC_Expiry_HazardNoMarkers__W_*.cfg run with this module too.
EXTENDS Expiry
====
