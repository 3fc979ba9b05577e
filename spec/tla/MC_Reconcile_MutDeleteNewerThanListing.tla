---- MODULE MC_Reconcile_MutDeleteNewerThanListing ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutDeleteNewerThanListing (model/configs):
\* kernel mutation DeleteNewerThanListing.
\* The constants are set in MC_Reconcile_MutDeleteNewerThanListing.cfg.
EXTENDS Reconcile
====
