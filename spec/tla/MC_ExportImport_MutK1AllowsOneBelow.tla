---- MODULE MC_ExportImport_MutK1AllowsOneBelow ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutK1AllowsOneBelow (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation K1AllowsOneBelow.
\* The constants are set in MC_ExportImport_MutK1AllowsOneBelow.cfg; the witness configs
\* MC_ExportImport_MutK1AllowsOneBelow__W_*.cfg run with this module too.
EXTENDS ExportImport
====
