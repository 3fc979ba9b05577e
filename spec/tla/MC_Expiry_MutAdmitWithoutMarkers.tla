---- MODULE MC_Expiry_MutAdmitWithoutMarkers ----
\* The TLA+ mirror of the Go model configuration Expiry_MutAdmitWithoutMarkers (model/configs):
\* kernel mutation AdmitWithoutMarkers.
\* The constants are set in MC_Expiry_MutAdmitWithoutMarkers.cfg.
EXTENDS Expiry
====
