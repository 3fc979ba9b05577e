---- MODULE MC_Reconcile_MutPositionAfterListing ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutPositionAfterListing (model/configs):
\* ordering mutation PositionAfterListing.
\* The constants are set in MC_Reconcile_MutPositionAfterListing.cfg.
EXTENDS Reconcile
====
