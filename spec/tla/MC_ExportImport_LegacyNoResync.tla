---- MODULE MC_ExportImport_LegacyNoResync ----
\* The TLA+ mirror of the Go model configuration ExportImport_LegacyNoResync (model/configs):
\* N=2, MaxRev=3, Legacy layout, no resync, mutation None.
\* The constants are set in MC_ExportImport_LegacyNoResync.cfg; the witness configs
\* MC_ExportImport_LegacyNoResync__W_*.cfg run with this module too.
EXTENDS ExportImport
====
