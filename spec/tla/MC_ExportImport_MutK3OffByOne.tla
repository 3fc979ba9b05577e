---- MODULE MC_ExportImport_MutK3OffByOne ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutK3OffByOne (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation K3OffByOne.
\* The constants are set in MC_ExportImport_MutK3OffByOne.cfg; the witness configs
\* MC_ExportImport_MutK3OffByOne__W_*.cfg run with this module too.
EXTENDS ExportImport
====
