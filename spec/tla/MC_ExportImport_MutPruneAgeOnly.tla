---- MODULE MC_ExportImport_MutPruneAgeOnly ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutPruneAgeOnly (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation PruneAgeOnly.
\* The constants are set in MC_ExportImport_MutPruneAgeOnly.cfg; the witness configs
\* MC_ExportImport_MutPruneAgeOnly__W_*.cfg run with this module too.
EXTENDS ExportImport
====
