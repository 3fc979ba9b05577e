---- MODULE MC_Retire_MutNoCAS ----
\* The TLA+ mirror of the Go model configuration Retire_MutNoCAS (model/configs):
\* call-site mutation NoCAS.
\* The constants are set in MC_Retire_MutNoCAS.cfg.
EXTENDS Retire
====
