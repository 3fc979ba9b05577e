---- MODULE MC_LiveFloorGuard_ResumeSupersessionOnly ----
\* The TLA+ mirror of the Go model configuration LiveFloorGuard_ResumeSupersessionOnly (model/configs):
\* MaxRev=5, the watch stopped and resumed from its cursor on a stream without limits: a resume behind the first sequence goes on with no resync, and every run converges.
\* The constants are set in MC_LiveFloorGuard_ResumeSupersessionOnly.cfg; the witness configs
\* MC_LiveFloorGuard_ResumeSupersessionOnly__W_*.cfg run with this module too.
EXTENDS LiveFloorGuard
====
