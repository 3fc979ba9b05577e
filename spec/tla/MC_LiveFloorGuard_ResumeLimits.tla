---- MODULE MC_LiveFloorGuard_ResumeLimits ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_ResumeLimits (model/configs):
\* MaxRev=5, the watch stopped and resumed from its cursor on a stream with a limit: a cursor behind the first sequence is refused and the fold resyncs, and every run converges.
\* The constants are set in MC_LiveFloorGuard_ResumeLimits.cfg; the witness configs
\* MC_LiveFloorGuard_ResumeLimits__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
