---- MODULE MC_Retire_MutLiveFromFold ----
\* The TLA+ mirror of the Go model configuration Retire_MutLiveFromFold (model/configs):
\* call-site mutation LiveFromFold.
\* The constants are set in MC_Retire_MutLiveFromFold.cfg.
EXTENDS Retire
====
