---- MODULE MC_ExportImport_LegacyDegrade ----
\* The TLA+ mirror of the Go model configuration ExportImport_LegacyDegrade (model/configs):
\* N=2, MaxRev=3, Legacy layout, degrading resync, mutation None.
\* The constants are set in MC_ExportImport_LegacyDegrade.cfg; the witness configs
\* MC_ExportImport_LegacyDegrade__W_*.cfg run with this module too.
EXTENDS ExportImport
====
