---- MODULE MC_Retire_Deep_Shipped ----
\* The TLA+ mirror of the Go model configuration Retire_Deep_Shipped (model/configs):
\* shipped pruner at larger bounds (2 uploads per exporter, 2 prunes, 2 reads).
\* The constants are set in MC_Retire_Deep_Shipped.cfg.
EXTENDS Retire
====
