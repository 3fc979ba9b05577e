---- MODULE MC_ExportImport_Deep_Shipped3Exporters ----
\* The TLA+ mirror of the Go model configuration ExportImport_Deep_Shipped3Exporters (model/configs):
\* N=3, MaxRev=3, Shipped layout, fail-stop resync, mutation None.
\* The constants are set in MC_ExportImport_Deep_Shipped3Exporters.cfg; the witness configs
\* MC_ExportImport_Deep_Shipped3Exporters__W_*.cfg run with this module too.
EXTENDS ExportImport
====
