---- MODULE MC_ExportImport_MutK2PrunesEqualRank ----
\* The TLA+ mirror of the Go model configuration ExportImport_MutK2PrunesEqualRank (model/configs):
\* N=2, MaxRev=3, Shipped layout, fail-stop resync, mutation K2PrunesEqualRank.
\* The constants are set in MC_ExportImport_MutK2PrunesEqualRank.cfg; the witness configs
\* MC_ExportImport_MutK2PrunesEqualRank__W_*.cfg run with this module too.
EXTENDS ExportImport
====
