---- MODULE MC_Reconcile_MutListingOnlyPositionAfter ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutListingOnlyPositionAfter (model/configs):
\* ordering mutation ListingOnly with the position read after the listing.
\* The constants are set in MC_Reconcile_MutListingOnlyPositionAfter.cfg.
EXTENDS Reconcile
====
