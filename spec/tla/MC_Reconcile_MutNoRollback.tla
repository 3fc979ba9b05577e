---- MODULE MC_Reconcile_MutNoRollback ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutNoRollback (model/configs):
\* kernel mutation NoRollback (the kernels before rollbacks).
\* The constants are set in MC_Reconcile_MutNoRollback.cfg.
EXTENDS Reconcile
====
