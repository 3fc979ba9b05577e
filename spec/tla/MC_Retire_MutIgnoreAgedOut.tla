---- MODULE MC_Retire_MutIgnoreAgedOut ----
\* The TLA+ mirror of the Go model configuration Retire_MutIgnoreAgedOut (model/configs):
\* kernel mutation IgnoreAgedOut.
\* The constants are set in MC_Retire_MutIgnoreAgedOut.cfg.
EXTENDS Retire
====
