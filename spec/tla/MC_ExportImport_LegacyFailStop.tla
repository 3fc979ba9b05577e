---- MODULE MC_ExportImport_LegacyFailStop ----
\* The TLA+ mirror of the Go model configuration ExportImport_LegacyFailStop (model/configs):
\* N=2, MaxRev=3, Legacy layout, fail-stop resync, mutation None.
\* The constants are set in MC_ExportImport_LegacyFailStop.cfg; the witness configs
\* MC_ExportImport_LegacyFailStop__W_*.cfg run with this module too.
EXTENDS ExportImport
====
