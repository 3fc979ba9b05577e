---- MODULE MC_ExportImport_ShippedFailStop ----
\* The TLA+ mirror of the Go model configuration ExportImport_ShippedFailStop (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation None.
\* The constants are set in MC_ExportImport_ShippedFailStop.cfg; the witness configs
\* MC_ExportImport_ShippedFailStop__W_*.cfg run with this module too.
EXTENDS ExportImport
====
