---- MODULE MC_LiveFloorGuard_MutGapOnlyFiltered ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_MutGapOnlyFiltered (model/configs):
\* MaxRev=5, rejected design: a gap-only guard (in-band probes, no backstop) on a filtered scope.
\* The constants are set in MC_LiveFloorGuard_MutGapOnlyFiltered.cfg.
EXTENDS LiveFloorGuard
====
