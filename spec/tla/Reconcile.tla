----------------------------- MODULE Reconcile -----------------------------
(***************************************************************************)
(* Anti-entropy reconciliation beside the live watch of applied.Run,       *)
(* exactly as the Go model model/reconcile runs it.                        *)
(*                                                                         *)
(* Interior removals (a delete marker purged, a key's history purged by a  *)
(* subject purge) leave no gap a resume check or floor guard can see: the  *)
(* watch skips what the stream no longer holds.  A reconciliation round    *)
(* reads the bucket's last revision (the listing position), takes a        *)
(* last-record-per-key listing, and on the loop compares it with the fold  *)
(* by revision against the watch frontier (the filter: a record above the *)
(* frontier is left to the watch, a fold entry newer than the listing is   *)
(* kept), then confirms each candidate against the key's current record,   *)
(* read on the loop: a key with no record gets a synthetic delete, a       *)
(* record the watch passed without folding is fetched.  One key K in a     *)
(* bucket keeping one record per key, plus writes to other keys; MaxRev    *)
(* revisions, MaxRounds rounds.                                            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    MaxRev,      \* bucket revisions 1..MaxRev
    MaxRounds,   \* reconciliation rounds
    Mode,        \* "Shipped" | "NoReconcile" | "ListingOnly" | "ListingOnlyPositionAfter"
    Mutation     \* "none" | "RepairAboveFrontier" | "DeleteNewerThanListing"

ASSUME MaxRev \in Nat /\ MaxRounds \in Nat
ASSUME Mode \in {"Shipped", "NoReconcile", "ListingOnly", "ListingOnlyPositionAfter"}
ASSUME Mutation \in {"none", "RepairAboveFrontier", "DeleteNewerThanListing"}

VARIABLES
    head,        \* bucket high-water revision
    kRevs,       \* the revisions that were writes of K
    bRev,        \* K's record in the bucket (0 = none)
    bLive,       \* that record is a put
    fLive,       \* K is in the fold
    fRev,        \* its revision there (0 when absent)
    frontier,    \* the watch's applied cursor
    phase,       \* "Idle" | "Positioned" | "Snapshotted" | "Listed"
    lPos,        \* the listing position
    lPresent,    \* the listing has a record of K
    lLive,       \* that record is a put
    lRev,        \* its revision
    need,        \* since the snapshot, a divergence the watch would not fix existed
    rounds,      \* rounds completed
    dirty,       \* K changed since the round began
    settled,     \* the last round saw no change of K, and none happened since
    missed,      \* the one MissUpdate happened
    removal,     \* "none" | "marker" | "key": the last interior removal
    lastRepair,  \* "none" | "delete" | "fetch": the last round's effective repair
    lost,        \* a repair undid a fold that agreed with the bucket
    spurious     \* a repair changed the fold without need

vars == <<head, kRevs, bRev, bLive, fLive, fRev, frontier, phase, lPos, lPresent, lLive, lRev,
          need, rounds, dirty, settled, missed, removal, lastRepair, lost, spurious>>

-----------------------------------------------------------------------------
(* Kernels (protocol/reconcile.go).                                        *)

WithinFrontier(rev, f) == IF Mutation = "RepairAboveFrontier" THEN TRUE ELSE rev <= f

ListingCovers(fr, lp) == IF Mutation = "DeleteNewerThanListing" THEN TRUE ELSE fr <= lp

ReconcileRepair(fl, fr, lpres, llive, lrev, lp, f) ==
    IF ~lpres THEN (IF fl /\ ListingCovers(fr, lp) THEN "delete" ELSE "none")
    ELSE IF ~WithinFrontier(lrev, f) THEN "none"
    ELSE IF fl /\ fr >= lrev THEN "none"
    ELSE IF llive THEN "fetch"
    ELSE IF fl THEN "delete"
    ELSE "none"

ConfirmRepair(fl, fr, cpres, clive, crev, f) ==
    IF ~cpres THEN (IF fl THEN "delete" ELSE "none")
    ELSE IF ~WithinFrontier(crev, f) THEN "none"
    ELSE IF clive THEN (IF fl /\ fr >= crev THEN "none" ELSE "fetch")
    ELSE IF fl THEN "delete"
    ELSE "none"

\* The kernels' unit pins (protocol/reconcile_test.go), for the shipped kernels.
ASSUME Mutation = "none" =>
    /\ ReconcileRepair(TRUE, 3, FALSE, FALSE, 0, 3, 1) = "delete"
    /\ ReconcileRepair(TRUE, 4, FALSE, FALSE, 0, 3, 9) = "none"
    /\ ReconcileRepair(FALSE, 0, TRUE, TRUE, 5, 5, 4) = "none"
    /\ ReconcileRepair(FALSE, 0, TRUE, TRUE, 5, 5, 5) = "fetch"
    /\ ReconcileRepair(TRUE, 2, TRUE, TRUE, 5, 5, 5) = "fetch"
    /\ ReconcileRepair(TRUE, 6, TRUE, TRUE, 5, 5, 9) = "none"
    /\ ReconcileRepair(TRUE, 2, TRUE, FALSE, 5, 5, 5) = "delete"
    /\ ReconcileRepair(FALSE, 0, TRUE, FALSE, 5, 5, 5) = "none"
    /\ ConfirmRepair(TRUE, 2, FALSE, FALSE, 0, 1) = "delete"
    /\ ConfirmRepair(FALSE, 0, FALSE, FALSE, 0, 1) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, FALSE, 5, 4) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, TRUE, 5, 4) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, FALSE, 5, 5) = "delete"
    /\ ConfirmRepair(TRUE, 2, TRUE, TRUE, 5, 5) = "fetch"
    /\ ConfirmRepair(FALSE, 0, TRUE, TRUE, 5, 5) = "fetch"
    /\ ConfirmRepair(TRUE, 5, TRUE, TRUE, 5, 9) = "none"
    /\ ConfirmRepair(FALSE, 0, TRUE, FALSE, 5, 9) = "none"

-----------------------------------------------------------------------------

Reconciles == Mode # "NoReconcile"
Confirms == Mode = "Shipped"

Retained == {r \in (frontier + 1)..head : r \notin kRevs \/ r = bRev}
NextRet == IF Retained = {} THEN 0 ELSE CHOOSE r \in Retained : \A q \in Retained : r <= q

VLive == bRev > 0 /\ bLive
VRev == IF VLive THEN bRev ELSE 0
Agrees == fLive = VLive /\ fRev = VRev

\* After the watch delivers K's retained record above the frontier, the fold still differs.
NeedsRepair ==
    IF bRev > frontier THEN FALSE ELSE ~Agrees

\* The same over the successor state (used last in every action, after all other primes).
NeedsRepairPost ==
    IF bRev' > frontier' THEN FALSE
    ELSE ~(fLive' = (bRev' > 0 /\ bLive') /\ fRev' = IF bRev' > 0 /\ bLive' THEN bRev' ELSE 0)

NeedNext(raw) == need' = (raw \/ (phase' = "Listed" /\ NeedsRepairPost))

Init ==
    /\ head = 0 /\ kRevs = {} /\ bRev = 0 /\ bLive = FALSE
    /\ fLive = FALSE /\ fRev = 0 /\ frontier = 0
    /\ phase = "Idle" /\ lPos = 0 /\ lPresent = FALSE /\ lLive = FALSE /\ lRev = 0
    /\ need = FALSE /\ rounds = 0 /\ dirty = FALSE /\ settled = FALSE /\ missed = FALSE
    /\ removal = "none" /\ lastRepair = "none" /\ lost = FALSE /\ spurious = FALSE

Listing == <<phase, lPos, lPresent, lLive, lRev>>

PutK ==
    /\ head < MaxRev
    /\ head' = head + 1 /\ kRevs' = kRevs \cup {head + 1}
    /\ bRev' = head + 1 /\ bLive' = TRUE
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<fLive, fRev, frontier, Listing, rounds, missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

DelK ==
    /\ head < MaxRev /\ bRev > 0 /\ bLive
    /\ head' = head + 1 /\ kRevs' = kRevs \cup {head + 1}
    /\ bRev' = head + 1 /\ bLive' = FALSE
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<fLive, fRev, frontier, Listing, rounds, missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

WriteOther ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<kRevs, bRev, bLive, fLive, fRev, frontier, Listing, rounds, dirty, settled,
                   missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

PurgeMarker ==
    /\ bRev > 0 /\ ~bLive
    /\ bRev' = 0 /\ removal' = "marker"
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, bLive, fLive, fRev, frontier, Listing, rounds, missed, lastRepair, lost, spurious>>
    /\ NeedNext(need)

PurgeKey ==
    /\ bRev > 0 /\ bLive
    /\ bRev' = 0 /\ bLive' = FALSE /\ removal' = "key"
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, fLive, fRev, frontier, Listing, rounds, missed, lastRepair, lost, spurious>>
    /\ NeedNext(need)

Deliver ==
    /\ NextRet > 0
    /\ frontier' = NextRet
    /\ fLive' = IF NextRet = bRev THEN VLive ELSE fLive
    /\ fRev' = IF NextRet = bRev THEN VRev ELSE fRev
    /\ UNCHANGED <<head, kRevs, bRev, bLive, Listing, rounds, dirty, settled, missed, removal,
                   lastRepair, lost, spurious>>
    /\ NeedNext(need)

MissUpdate ==
    /\ Reconciles /\ ~missed /\ NextRet > 0 /\ NextRet = bRev
    /\ frontier' = NextRet /\ missed' = TRUE
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, bRev, bLive, fLive, fRev, Listing, rounds, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

StartRound ==
    /\ Reconciles /\ phase = "Idle" /\ rounds < MaxRounds
    /\ dirty' = FALSE
    /\ UNCHANGED <<head, kRevs, bRev, bLive, fLive, fRev, frontier, rounds, settled, missed, removal,
                   lastRepair, lost, spurious>>
    /\ IF Mode = "ListingOnlyPositionAfter"
       THEN /\ lPresent' = (bRev > 0) /\ lLive' = (bLive /\ bRev > 0) /\ lRev' = bRev
            /\ phase' = "Snapshotted" /\ lPos' = lPos
            /\ NeedNext(NeedsRepair)
       ELSE /\ lPos' = head /\ phase' = "Positioned"
            /\ UNCHANGED <<lPresent, lLive, lRev>>
            /\ NeedNext(need)

FinishListing ==
    /\ phase \in {"Positioned", "Snapshotted"}
    /\ phase' = "Listed"
    /\ UNCHANGED <<head, kRevs, bRev, bLive, fLive, fRev, frontier, rounds, dirty, settled, missed,
                   removal, lastRepair, lost, spurious>>
    /\ IF phase = "Positioned"
       THEN /\ lPresent' = (bRev > 0) /\ lLive' = (bLive /\ bRev > 0) /\ lRev' = bRev
            /\ lPos' = lPos
            /\ NeedNext(NeedsRepair)
       ELSE /\ lPos' = head
            /\ UNCHANGED <<lPresent, lLive, lRev>>
            /\ NeedNext(need)

Repair ==
    /\ phase = "Listed"
    /\ LET c == ReconcileRepair(fLive, fRev, lPresent, lLive, lRev, lPos, frontier)
           d == IF c # "none" /\ Confirms
                THEN ConfirmRepair(fLive, fRev, bRev > 0, bLive, bRev, frontier)
                ELSE c
           nl == IF d = "delete" THEN FALSE
                 ELSE IF d = "fetch" /\ VLive /\ WithinFrontier(bRev, frontier) THEN TRUE
                 ELSE fLive
           nr == IF d = "delete" THEN 0
                 ELSE IF d = "fetch" /\ VLive /\ WithinFrontier(bRev, frontier) THEN bRev
                 ELSE fRev
           changed == nl # fLive \/ nr # fRev
       IN /\ fLive' = nl /\ fRev' = nr
          /\ lastRepair' = IF ~changed THEN "none" ELSE IF nl THEN "fetch" ELSE "delete"
          /\ lost' = (lost \/ (Agrees /\ ~(nl = VLive /\ nr = VRev)))
          /\ spurious' = (spurious \/ (changed /\ ~need))
    /\ settled' = ~dirty
    /\ rounds' = rounds + 1
    /\ phase' = "Idle" /\ lPos' = 0 /\ lPresent' = FALSE /\ lLive' = FALSE /\ lRev' = 0
    /\ UNCHANGED <<head, kRevs, bRev, bLive, frontier, dirty, missed, removal>>
    /\ NeedNext(FALSE)

Next == PutK \/ DelK \/ WriteOther \/ PurgeMarker \/ PurgeKey \/ Deliver \/ MissUpdate
        \/ StartRound \/ FinishListing \/ Repair

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards; GuardsMatchEnabled checks it
\* against TLC's ENABLED Next.
EnabledAny ==
    \/ head < MaxRev
    \/ bRev > 0
    \/ NextRet > 0
    \/ Reconciles /\ phase = "Idle" /\ rounds < MaxRounds
    \/ phase \in {"Positioned", "Snapshotted", "Listed"}

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ head \in 0..MaxRev /\ kRevs \subseteq 1..MaxRev /\ bRev \in 0..MaxRev /\ fRev \in 0..MaxRev
    /\ frontier \in 0..MaxRev /\ lPos \in 0..MaxRev /\ lRev \in 0..MaxRev /\ rounds \in 0..MaxRounds
    /\ phase \in {"Idle", "Positioned", "Snapshotted", "Listed"}
    /\ removal \in {"none", "marker", "key"} /\ lastRepair \in {"none", "delete", "fetch"}
    /\ {bLive, fLive, lPresent, lLive, need, dirty, settled, missed, lost, spurious} \subseteq BOOLEAN

-----------------------------------------------------------------------------
(* Properties (each comment quotes the Go model's name exactly).           *)

\* always: "after a round that saw no change, a caught-up fold equals the bucket"
SettledConverges == ~settled \/ bRev > frontier \/ Agrees

\* always: "a repair never undoes a fold that agreed with the bucket"
NeverLosesAgreement == ~lost

\* always: "every repair fixes a divergence the watch would not fix"
NeverSpuriousRepair == ~spurious

\* sometimes: "a purged delete marker is repaired by a synthetic delete"
MarkerRepaired == lastRepair = "delete" /\ removal = "marker" /\ Agrees
NeverMarkerRepaired == ~MarkerRepaired

\* sometimes: "a subject purge of a live key is repaired by a synthetic delete"
KeyRepaired == lastRepair = "delete" /\ removal = "key" /\ Agrees
NeverKeyRepaired == ~KeyRepaired

\* sometimes: "an update the watch passed without folding is fetched"
MissFetched == lastRepair = "fetch" /\ Agrees
NeverMissFetched == ~MissFetched

\* sometimes (NoReconcile): "HAZARD reachable: without reconciliation a purge leaves the fold diverged forever"
HazardDivergedForever == ~EnabledAny /\ ~Agrees
NeverHazardDivergedForever == ~HazardDivergedForever

=============================================================================
