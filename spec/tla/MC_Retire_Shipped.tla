---- MODULE MC_Retire_Shipped ----
\* The TLA+ mirror of the Go model configuration Retire_Shipped (model/configs):
\* shipped pruner.
\* The constants are set in MC_Retire_Shipped.cfg; the witness configs
\* MC_Retire_Shipped__W_*.cfg run with this module too.
EXTENDS Retire
====
