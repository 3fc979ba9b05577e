---- MODULE MC_ExportImport_MutLwwPointer ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutLwwPointer (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation LwwPointer.
\* The constants are set in MC_ExportImport_MutLwwPointer.cfg; the witness configs
\* MC_ExportImport_MutLwwPointer__W_*.cfg run with this module too.
EXTENDS ExportImport
====
