---- MODULE MC_Reconcile_MutRollbackOnStaleRead ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutRollbackOnStaleRead (model/configs):
\* kernel mutation RollbackOnStaleRead (a rollback taken on a read that may lag).
\* The constants are set in MC_Reconcile_MutRollbackOnStaleRead.cfg.
EXTENDS Reconcile
====
