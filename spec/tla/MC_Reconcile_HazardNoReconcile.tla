---- MODULE MC_Reconcile_HazardNoReconcile ----
\* The TLA+ mirror of the Go model configuration Reconcile_HazardNoReconcile (model/configs):
\* known-bad variant without reconciliation.
\* The constants are set in MC_Reconcile_HazardNoReconcile.cfg; the witness configs
\* MC_Reconcile_HazardNoReconcile__W_*.cfg run with this module too.
EXTENDS Reconcile
====
