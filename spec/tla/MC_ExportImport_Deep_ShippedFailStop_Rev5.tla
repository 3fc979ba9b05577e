---- MODULE MC_ExportImport_Deep_ShippedFailStop_Rev5 ----
\* The TLA+ mirror of the Go model configuration ExportImport_Deep_ShippedFailStop_Rev5 (model/configs):
\* N=2, MaxRev=5, Shipped layout, fail-stop resync, mutation None.
\* The constants are set in MC_ExportImport_Deep_ShippedFailStop_Rev5.cfg; the witness configs
\* MC_ExportImport_Deep_ShippedFailStop_Rev5__W_*.cfg run with this module too.
EXTENDS ExportImport
====
