---- MODULE MC_AppliedCursor_Shipped ----
\* The TLA+ mirror of the Go model configuration AppliedCursor_Shipped (model/configs):
\* MaxRev=5, shipped flush path.
\* The constants are set in MC_AppliedCursor_Shipped.cfg; the witness configs
\* MC_AppliedCursor_Shipped__W_*.cfg run with this module too.
EXTENDS AppliedCursor
====
