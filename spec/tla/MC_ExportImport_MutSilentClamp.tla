---- MODULE MC_ExportImport_MutSilentClamp ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutSilentClamp (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation SilentClamp.
\* The constants are set in MC_ExportImport_MutSilentClamp.cfg; the witness configs
\* MC_ExportImport_MutSilentClamp__W_*.cfg run with this module too.
EXTENDS ExportImport
====
