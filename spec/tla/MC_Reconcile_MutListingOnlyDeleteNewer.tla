---- MODULE MC_Reconcile_MutListingOnlyDeleteNewer ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutListingOnlyDeleteNewer (model/configs):
\* ordering mutation ListingOnly with kernel mutation DeleteNewerThanListing.
\* The constants are set in MC_Reconcile_MutListingOnlyDeleteNewer.cfg.
EXTENDS Reconcile
====
