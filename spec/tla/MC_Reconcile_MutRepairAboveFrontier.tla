---- MODULE MC_Reconcile_MutRepairAboveFrontier ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutRepairAboveFrontier (model/configs):
\* kernel mutation RepairAboveFrontier.
\* The constants are set in MC_Reconcile_MutRepairAboveFrontier.cfg.
EXTENDS Reconcile
====
