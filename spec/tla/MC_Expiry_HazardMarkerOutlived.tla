---- MODULE MC_Expiry_HazardMarkerOutlived ----
\* The TLA+ mirror of the Go model configuration Expiry_HazardMarkerOutlived (model/configs):
\* known-bad: markers, no contact check.
\* The constants are set in MC_Expiry_HazardMarkerOutlived.cfg; the witness configs
\* MC_Expiry_HazardMarkerOutlived__W_*.cfg run with this module too.
EXTENDS Expiry
====
