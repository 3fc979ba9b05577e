---- MODULE MC_Retire_MutRetireEqualCreated ----
\* The TLA+ mirror of the Go model configuration Retire_MutRetireEqualCreated (model/configs):
\* kernel mutation RetireEqualCreated.
\* The constants are set in MC_Retire_MutRetireEqualCreated.cfg.
EXTENDS Retire
====
