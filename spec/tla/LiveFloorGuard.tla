---------------------------- MODULE LiveFloorGuard --------------------------
(***************************************************************************)
(* Retention overrunning a live All-scope watch, exactly as the Go model   *)
(* model/floorguard runs it.                                               *)
(*                                                                         *)
(* The watch delivers revisions in order; eviction silently skips          *)
(* revisions at or below the floor (NATS clamps without an error).  The    *)
(* guarded watch probes first_sequence when a delivery jumps past          *)
(* frontier+1 and fails the watch when the resume window no longer holds;  *)
(* GuardRepair is the composite fail-stop -> restart -> resume ->          *)
(* CursorExpired -> resync, whose parts are verified by ExportImport,      *)
(* ResyncOrder and AppliedCursor.                                          *)
(*                                                                         *)
(* As in the Go model, the guard's decisions go through operators named    *)
(* after the production kernels (FloorGuardProbeNeeded, FloorGuardTrips,   *)
(* FloorGuardFrontier): Deliver is blocked exactly when the delivery needs *)
(* a probe and the probe trips.  Here next > frontier+1 holds exactly when *)
(* floor > frontier, i.e. when the window check fails, so this is the      *)
(* base model's gate ResumeWindowOK(frontier, floor+1).  Mode PeriodicOnly *)
(* (a rejected design, kept to show why) keeps GuardRepair as a            *)
(* timer but does not gate Deliver; KernelMutation swaps one kernel for    *)
(* the broken variant of model/floorguard/mutants.go.                      *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    MaxRev,         \* highest bucket revision (5)
    Mode,           \* "Guarded" (shipped) | "Unguarded" (pre-guard code) | "PeriodicOnly" (rejected design)
    KernelMutation, \* "None" | "ProbeGapOfTwo" | "TripsLate" | "FrontierOvershoot"
    Null            \* a model value: "no delete yet"

ASSUME MaxRev \in Nat \ {0}
ASSUME Mode \in {"Guarded", "Unguarded", "PeriodicOnly"}
ASSUME KernelMutation \in {"None", "ProbeGapOfTwo", "TripsLate", "FrontierOvershoot"}

Max(a, b) == IF a >= b THEN a ELSE b

\* Go: protocol.ResumeWindowOK(revision, firstSequence uint64) bool:
\* firstSequence <= revision + 1 (Go saturates at the maximum uint64;
\* revisions here never exceed MaxRev + 1, so plain addition is exact).
ResumeWindowOK(revision, firstSequence) == firstSequence <= revision + 1

\* Go: protocol.FloorGuardProbeNeeded(frontier, rev uint64) bool: a delivery
\* that skips at least one revision must first probe first_sequence.
FloorGuardProbeNeeded(frontier, rev) == rev > frontier + 1

\* Go: protocol.FloorGuardTrips(frontier, firstSequence uint64) bool: the
\* floor-guard rule -- the probe fails the watch when resuming after the
\* frontier would no longer be sound.
FloorGuardTrips(frontier, firstSequence) == ~ResumeWindowOK(frontier, firstSequence)

\* Go: protocol.FloorGuardFrontier(frontier, rev uint64) uint64.
FloorGuardFrontier(frontier, rev) == Max(frontier, rev)

\* Kernel mutations (Go: model/floorguard/mutants.go), each replacing one kernel.
MutProbeGapOfTwo(frontier, rev) == rev > frontier + 2
MutTripsLate(frontier, firstSequence) == ~ResumeWindowOK(frontier + 1, firstSequence)
MutFrontierOvershoot(frontier, rev) == Max(frontier, rev) + 1

ProbeNeededK(frontier, rev) ==
    IF KernelMutation = "ProbeGapOfTwo" THEN MutProbeGapOfTwo(frontier, rev)
                                        ELSE FloorGuardProbeNeeded(frontier, rev)
TripsK(frontier, firstSequence) ==
    IF KernelMutation = "TripsLate" THEN MutTripsLate(frontier, firstSequence)
                                    ELSE FloorGuardTrips(frontier, firstSequence)
FrontierK(frontier, rev) ==
    IF KernelMutation = "FrontierOvershoot" THEN MutFrontierOvershoot(frontier, rev)
                                            ELSE FloorGuardFrontier(frontier, rev)

\* Kernel unit pins (protocol/floorguard_test.go), checked before every run.
ASSUME /\ ~FloorGuardProbeNeeded(3, 4) /\ FloorGuardProbeNeeded(3, 5)
       /\ ~FloorGuardTrips(3, 4) /\ FloorGuardTrips(3, 5)
       /\ FloorGuardFrontier(3, 2) = 3 /\ FloorGuardFrontier(3, 5) = 5

VARIABLES
    head,        \* bucket high-water revision
    floor,       \* revisions <= floor are evicted (first_sequence = floor + 1)
    deleteRev,   \* Null, or the revision of the sentinel key's delete marker
    frontier,    \* the highest revision delivered to the fold
    foldHasKey,  \* the fold holds the sentinel key
    tripped      \* latch: the floor guard tripped

vars == <<head, floor, deleteRev, frontier, foldHasKey, tripped>>

BucketHasKey == deleteRev = Null

\* The probe's verdict on the current state: the stream's first sequence is floor + 1.
Trips == TripsK(frontier, floor + 1)

\* The next revision the watch delivers: evicted revisions are skipped silently.
NextRev == Max(frontier, floor) + 1

\* Guarded: a delivery that needs a probe whose verdict trips is not forwarded.
DeliverBlocked == Mode = "Guarded" /\ ProbeNeededK(frontier, NextRev) /\ Trips

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

\* The next retained revision reaches the fold, unless the guarded watch's
\* in-band probe trips.
Deliver ==
    /\ Max(frontier, floor) < head
    /\ ~DeliverBlocked
    /\ frontier' = FrontierK(frontier, NextRev)
    /\ foldHasKey' = IF deleteRev = NextRev THEN FALSE ELSE foldHasKey
    /\ UNCHANGED <<head, floor, deleteRev, tripped>>

\* The guard fails the watch (in-band probe or backstop timer; PeriodicOnly:
\* the timer only); restart -> CursorExpired -> resync repairs the fold.
GuardRepair ==
    /\ Mode # "Unguarded"
    /\ Trips
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
    \/ Max(frontier, floor) < head /\ ~DeliverBlocked
    \/ Mode # "Unguarded" /\ Trips

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ floor \in 0 .. head
    /\ deleteRev \in {Null} \cup 1 .. head
    /\ frontier \in 0 .. MaxRev + 1
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
