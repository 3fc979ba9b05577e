---- MODULE MC_Reconcile_MutListingOnly ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutListingOnly (model/configs):
\* ordering mutation ListingOnly (no confirming read).
\* The constants are set in MC_Reconcile_MutListingOnly.cfg.
EXTENDS Reconcile
====
