---- MODULE MC_Expiry_MutNoMarkers ----
\* The TLA+ mirror of the Go model configuration Expiry_MutNoMarkers (model/configs):
\* contrast: no markers, no fix.
\* The constants are set in MC_Expiry_MutNoMarkers.cfg.
EXTENDS Expiry
====
