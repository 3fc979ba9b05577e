---- MODULE MC_Reconcile_Shipped ----
\* The TLA+ mirror of the Go model configuration Reconcile_Shipped (model/configs):
\* shipped reconciliation beside the live watch.
\* The constants are set in MC_Reconcile_Shipped.cfg; the witness configs
\* MC_Reconcile_Shipped__W_*.cfg run with this module too.
EXTENDS Reconcile
====
