---- MODULE MC_Reconcile_MutListingOnlyRollbackNewer ----
\* The TLA+ mirror of the Go model configuration Reconcile_MutListingOnlyRollbackNewer (model/configs):
\* ordering mutation ListingOnly with kernel mutation RollbackNewerThanListing, on a bucket denying message deletes.
\* The constants are set in MC_Reconcile_MutListingOnlyRollbackNewer.cfg.
EXTENDS Reconcile
====
