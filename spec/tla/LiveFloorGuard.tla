---------------------------- MODULE LiveFloorGuard --------------------------
(***************************************************************************)
(* Retention overrunning a live All-scope watch, exactly as the Go model   *)
(* model/floorguard runs it (reference: snapshot-applied.md §6.3).         *)
(*                                                                         *)
(* The watch delivers revisions in order; eviction silently skips          *)
(* revisions at or below the floor (NATS clamps without an error).  The    *)
(* guarded watch probes first_sequence when a delivery jumps past          *)
(* frontier+1 and fails the watch when the resume window no longer holds;  *)
(* GuardRepair is the composite fail-stop -> restart -> resume ->          *)
(* CursorExpired -> resync, whose parts are verified by ExportImport,      *)
(* ResyncOrder and AppliedCursor.                                          *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    MaxRev,     \* highest bucket revision (5)
    Guarded,    \* TRUE = shipped; FALSE = the pre-guard code (mutation)
    Null        \* a model value: "no delete yet"

ASSUME MaxRev \in Nat \ {0}
ASSUME Guarded \in BOOLEAN

Max(a, b) == IF a >= b THEN a ELSE b

\* Go: protocol.ResumeWindowOK(revision, firstSequence uint64) bool:
\* firstSequence <= revision + 1 (Go saturates at the maximum uint64;
\* revisions here never exceed MaxRev, so plain addition is exact).
ResumeWindowOK(revision, firstSequence) == firstSequence <= revision + 1

VARIABLES
    head,        \* bucket high-water revision
    floor,       \* revisions <= floor are evicted (first_sequence = floor + 1)
    deleteRev,   \* Null, or the revision of the sentinel key's delete marker
    frontier,    \* the highest revision delivered to the fold
    foldHasKey,  \* the fold holds the sentinel key
    tripped      \* latch: the floor guard tripped

vars == <<head, floor, deleteRev, frontier, foldHasKey, tripped>>

BucketHasKey == deleteRev = Null

\* The live floor guard's window check, ResumeWindowOK(frontier, first_sequence).
WindowOK == ResumeWindowOK(frontier, floor + 1)

\* The floor-guard rule (Go: protocol.FloorGuardTrips, the condition under
\* which the live watch fails instead of forwarding): the resume window from
\* the frontier no longer holds.
FloorGuardTrips == ~WindowOK

Init ==
    /\ head = 0
    /\ floor = 0
    /\ frontier = 0
    /\ deleteRev = Null
    /\ foldHasKey = TRUE
    /\ tripped = FALSE

Churn ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<floor, deleteRev, frontier, foldHasKey, tripped>>

DeleteKey ==
    /\ head < MaxRev
    /\ deleteRev = Null
    /\ head' = head + 1
    /\ deleteRev' = head + 1
    /\ UNCHANGED <<floor, frontier, foldHasKey, tripped>>

\* Retention head eviction: moves first_sequence.
Compact ==
    /\ floor < head
    /\ floor' = floor + 1
    /\ UNCHANGED <<head, deleteRev, frontier, foldHasKey, tripped>>

\* The next retained revision reaches the fold; the guarded watch forwards
\* only while the window holds (the in-band probe).
Deliver ==
    /\ Max(frontier, floor) < head
    /\ ~Guarded \/ ~FloorGuardTrips
    /\ LET next == Max(frontier, floor) + 1 IN
        /\ frontier' = next
        /\ foldHasKey' = IF deleteRev = next THEN FALSE ELSE foldHasKey
    /\ UNCHANGED <<head, floor, deleteRev, tripped>>

\* The guard fails the watch; restart -> CursorExpired -> resync repairs the fold.
GuardRepair ==
    /\ Guarded
    /\ FloorGuardTrips
    /\ tripped' = TRUE
    /\ foldHasKey' = BucketHasKey
    /\ frontier' = floor
    /\ UNCHANGED <<head, floor, deleteRev>>

Next == Churn \/ DeleteKey \/ Compact \/ Deliver \/ GuardRepair

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards; GuardsMatchEnabled checks it
\* against TLC's ENABLED Next.
EnabledAny ==
    \/ head < MaxRev
    \/ floor < head
    \/ Max(frontier, floor) < head /\ (~Guarded \/ ~FloorGuardTrips)
    \/ Guarded /\ FloorGuardTrips

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ floor \in 0 .. head
    /\ deleteRev \in {Null} \cup 1 .. head
    /\ frontier \in 0 .. head
    /\ foldHasKey \in BOOLEAN
    /\ tripped \in BOOLEAN

-----------------------------------------------------------------------------
(* Properties (each comment quotes the original name exactly).             *)

\* always: "no phantom deletes: the fold never drops a live key"
NoPhantomDeletes == foldHasKey \/ ~BucketHasKey

\* sometimes: "the marker is delivered normally and the fold drops the key"
MarkerDeliveredDropsKey == ~foldHasKey /\ ~BucketHasKey
NeverMarkerDeliveredDropsKey == ~MarkerDeliveredDropsKey

\* always (guarded): "every maximal run ends with the fold equal to the bucket"
TerminalFoldEqualsBucket == EnabledAny \/ foldHasKey = BucketHasKey

\* sometimes (guarded): "the floor guard trips and repairs a real divergence"
GuardTripsAndRepairs == tripped /\ foldHasKey = BucketHasKey
NeverGuardTripsAndRepairs == ~GuardTripsAndRepairs

\* sometimes (unguarded): "HAZARD reachable: permanent silent divergence (marker evicted unseen)"
\* -- reached exactly when TerminalFoldEqualsBucket is violated.
HazardPermanentSilentDivergence == ~EnabledAny /\ foldHasKey /\ ~BucketHasKey
NeverHazardPermanentSilentDivergence == ~HazardPermanentSilentDivergence

=============================================================================
