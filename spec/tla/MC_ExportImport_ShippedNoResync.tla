---- MODULE MC_ExportImport_ShippedNoResync ----
\* The TLA+ mirror of the Go model configuration ExportImport_ShippedNoResync (model/configs):
\* N=2, MaxRev=3, Shipped layout, no resync, mutation None.
\* The constants are set in MC_ExportImport_ShippedNoResync.cfg; the witness configs
\* MC_ExportImport_ShippedNoResync__W_*.cfg run with this module too.
EXTENDS ExportImport
====
