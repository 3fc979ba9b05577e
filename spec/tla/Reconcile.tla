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
(* record the watch passed without folding is fetched, and a record older *)
(* than the fold's (its latest record removed by a message delete, so the *)
(* previous one is current again) is rolled back to.  Nothing is repaired *)
(* on a confirming read that may lag (a replica behind the stream).  One  *)
(* key K, whose writes keep or drop its previous record, plus writes to   *)
(* other keys; MaxRev revisions, MaxRounds rounds.                         *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    MaxRev,      \* bucket revisions 1..MaxRev
    MaxRounds,   \* reconciliation rounds
    Mode,        \* "Shipped" | "NoReconcile" | "ListingOnly" | "ListingOnlyPositionAfter"
    Mutation,    \* "none" | "RepairAboveFrontier" | "DeleteNewerThanListing" | "NoRollback"
                 \* | "RollbackNewerThanListing" | "RollbackOnStaleRead"
    DenyDelete   \* the stream denies message deletes: no RawDeleteLatest

ASSUME MaxRev \in Nat /\ MaxRounds \in Nat
ASSUME Mode \in {"Shipped", "NoReconcile", "ListingOnly", "ListingOnlyPositionAfter"}
ASSUME Mutation \in {"none", "RepairAboveFrontier", "DeleteNewerThanListing", "NoRollback",
                     "RollbackNewerThanListing", "RollbackOnStaleRead"}
ASSUME DenyDelete \in BOOLEAN

VARIABLES
    head,        \* bucket high-water revision
    kRevs,       \* the revisions that were writes of K
    kDels,       \* the revisions that were delete markers of K
    bRev,        \* K's record in the bucket (0 = none)
    pRev,        \* K's previous record the stream still holds (0 = none)
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
    removal,     \* "none" | "marker" | "key" | "latest": the last interior removal
    lastRepair,  \* "none" | "delete" | "fetch" | "rollback": the last round's effective repair
    lost,        \* a repair undid a fold that agreed with the bucket
    spurious     \* a repair changed the fold without need

vars == <<head, kRevs, kDels, bRev, pRev, bLive, fLive, fRev, frontier, phase, lPos, lPresent, lLive, lRev,
          need, rounds, dirty, settled, missed, removal, lastRepair, lost, spurious>>

-----------------------------------------------------------------------------
(* Kernels (protocol/reconcile.go).                                        *)

WithinFrontier(rev, f) == IF Mutation = "RepairAboveFrontier" THEN TRUE ELSE rev <= f

ListingCovers(fr, lp) == IF Mutation = "DeleteNewerThanListing" THEN TRUE ELSE fr <= lp

ShippedRepair(fl, fr, lpres, llive, lrev, lp, f) ==
    IF ~lpres THEN (IF fl /\ ListingCovers(fr, lp) THEN "delete" ELSE "none")
    ELSE IF ~WithinFrontier(lrev, f) THEN "none"
    ELSE IF fl /\ fr = lrev THEN "none"
    ELSE IF fl /\ fr > lrev
         THEN (IF ~ListingCovers(fr, lp) THEN "none" ELSE IF llive THEN "rollback" ELSE "delete")
    ELSE IF llive THEN "fetch"
    ELSE IF fl THEN "delete"
    ELSE "none"

ReconcileRepair(fl, fr, lpres, llive, lrev, lp, f) ==
    IF Mutation = "NoRollback" /\ lpres /\ fl /\ fr >= lrev THEN "none"
    ELSE IF Mutation = "RollbackNewerThanListing" /\ lpres /\ llive /\ fl /\ fr > lrev
            /\ WithinFrontier(lrev, f) THEN "rollback"
    ELSE ShippedRepair(fl, fr, lpres, llive, lrev, lp, f)

\* ConfirmRepair's decision on a read that can be trusted.
Confirmed(fl, fr, cpres, clive, crev, f) ==
    IF ~cpres THEN (IF fl THEN "delete" ELSE "none")
    ELSE IF ~WithinFrontier(crev, f) THEN "none"
    ELSE IF clive THEN (IF ~fl \/ fr < crev THEN "fetch" ELSE IF fr > crev THEN "rollback" ELSE "none")
    ELSE IF fl THEN "delete"
    ELSE "none"

ShippedConfirm(fl, fr, cpres, clive, crev, f, lin) ==
    IF ~lin THEN "deferred" ELSE Confirmed(fl, fr, cpres, clive, crev, f)

ConfirmRepair(fl, fr, cpres, clive, crev, f, lin) ==
    CASE Mutation = "NoRollback" ->
            IF ShippedConfirm(fl, fr, cpres, clive, crev, f, lin) = "rollback" THEN "none"
            ELSE ShippedConfirm(fl, fr, cpres, clive, crev, f, lin)
      [] Mutation = "RollbackOnStaleRead" ->
            IF Confirmed(fl, fr, cpres, clive, crev, f) = "rollback" THEN "rollback"
            ELSE ShippedConfirm(fl, fr, cpres, clive, crev, f, lin)
      [] OTHER -> ShippedConfirm(fl, fr, cpres, clive, crev, f, lin)

\* The kernels' unit pins (protocol/reconcile_test.go), for the shipped kernels.
ASSUME Mutation = "none" =>
    /\ ReconcileRepair(TRUE, 3, FALSE, FALSE, 0, 3, 1) = "delete"
    /\ ReconcileRepair(TRUE, 4, FALSE, FALSE, 0, 3, 9) = "none"
    /\ ReconcileRepair(FALSE, 0, FALSE, FALSE, 0, 3, 3) = "none"
    /\ ReconcileRepair(FALSE, 0, TRUE, TRUE, 5, 5, 4) = "none"
    /\ ReconcileRepair(FALSE, 0, TRUE, TRUE, 5, 5, 5) = "fetch"
    /\ ReconcileRepair(TRUE, 2, TRUE, TRUE, 5, 5, 5) = "fetch"
    /\ ReconcileRepair(TRUE, 5, TRUE, TRUE, 5, 5, 5) = "none"
    /\ ReconcileRepair(TRUE, 6, TRUE, TRUE, 5, 5, 9) = "none"
    /\ ReconcileRepair(TRUE, 2, TRUE, FALSE, 5, 5, 5) = "delete"
    /\ ReconcileRepair(TRUE, 2, TRUE, FALSE, 5, 5, 4) = "none"
    /\ ReconcileRepair(FALSE, 0, TRUE, FALSE, 5, 5, 5) = "none"
    /\ ReconcileRepair(TRUE, 6, TRUE, FALSE, 5, 5, 9) = "none"
    /\ ReconcileRepair(TRUE, 6, TRUE, TRUE, 5, 6, 9) = "rollback"
    /\ ReconcileRepair(TRUE, 6, TRUE, FALSE, 5, 6, 9) = "delete"
    /\ ReconcileRepair(TRUE, 6, TRUE, TRUE, 5, 6, 4) = "none"
    /\ ConfirmRepair(TRUE, 2, FALSE, FALSE, 0, 1, TRUE) = "delete"
    /\ ConfirmRepair(FALSE, 0, FALSE, FALSE, 0, 1, TRUE) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, FALSE, 5, 4, TRUE) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, TRUE, 5, 4, TRUE) = "none"
    /\ ConfirmRepair(TRUE, 2, TRUE, FALSE, 5, 5, TRUE) = "delete"
    /\ ConfirmRepair(TRUE, 2, TRUE, TRUE, 5, 5, TRUE) = "fetch"
    /\ ConfirmRepair(FALSE, 0, TRUE, TRUE, 5, 5, TRUE) = "fetch"
    /\ ConfirmRepair(TRUE, 5, TRUE, TRUE, 5, 9, TRUE) = "none"
    /\ ConfirmRepair(FALSE, 0, TRUE, FALSE, 5, 9, TRUE) = "none"
    /\ ConfirmRepair(TRUE, 6, TRUE, TRUE, 5, 9, TRUE) = "rollback"
    /\ ConfirmRepair(TRUE, 6, TRUE, FALSE, 5, 9, TRUE) = "delete"
    /\ ConfirmRepair(TRUE, 6, TRUE, TRUE, 5, 4, TRUE) = "none"
    /\ \A fl, cp, cl \in BOOLEAN, fr, cr, f \in {0, 2, 5, 6, 9} :
           ConfirmRepair(fl, fr, cp, cl, cr, f, FALSE) = "deferred"

-----------------------------------------------------------------------------

Reconciles == Mode # "NoReconcile"
Confirms == Mode = "Shipped"

Retained == {r \in (frontier + 1)..head : r \notin kRevs \/ r = bRev \/ r = pRev}
NextRet == IF Retained = {} THEN 0 ELSE CHOOSE r \in Retained : \A q \in Retained : r <= q

\* K's record at revision r (0 = none) is a put.
RecLive(r) == r > 0 /\ r \notin kDels
RecRev(r) == IF RecLive(r) THEN r ELSE 0

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
    /\ head = 0 /\ kRevs = {} /\ kDels = {} /\ bRev = 0 /\ pRev = 0 /\ bLive = FALSE
    /\ fLive = FALSE /\ fRev = 0 /\ frontier = 0
    /\ phase = "Idle" /\ lPos = 0 /\ lPresent = FALSE /\ lLive = FALSE /\ lRev = 0
    /\ need = FALSE /\ rounds = 0 /\ dirty = FALSE /\ settled = FALSE /\ missed = FALSE
    /\ removal = "none" /\ lastRepair = "none" /\ lost = FALSE /\ spurious = FALSE

Listing == <<phase, lPos, lPresent, lLive, lRev>>

\* A write of K keeps or drops K's previous record (one record per key, or a longer history).
KeptPrev == IF bRev > 0 THEN {0, bRev} ELSE {0}

PutK ==
    /\ head < MaxRev
    /\ head' = head + 1 /\ kRevs' = kRevs \cup {head + 1}
    /\ bRev' = head + 1 /\ bLive' = TRUE /\ pRev' \in KeptPrev
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<kDels, fLive, fRev, frontier, Listing, rounds, missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

DelK ==
    /\ head < MaxRev /\ bRev > 0 /\ bLive
    /\ head' = head + 1 /\ kRevs' = kRevs \cup {head + 1} /\ kDels' = kDels \cup {head + 1}
    /\ bRev' = head + 1 /\ bLive' = FALSE /\ pRev' \in KeptPrev
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<fLive, fRev, frontier, Listing, rounds, missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

WriteOther ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<kRevs, kDels, bRev, pRev, bLive, fLive, fRev, frontier, Listing, rounds, dirty, settled,
                   missed, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

PurgeMarker ==
    /\ bRev > 0 /\ ~bLive
    /\ bRev' = 0 /\ pRev' = 0 /\ removal' = "marker"
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, kDels, bLive, fLive, fRev, frontier, Listing, rounds, missed, lastRepair, lost, spurious>>
    /\ NeedNext(need)

PurgeKey ==
    /\ bRev > 0 /\ bLive
    /\ bRev' = 0 /\ bLive' = FALSE /\ pRev' = 0 /\ removal' = "key"
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, kDels, fLive, fRev, frontier, Listing, rounds, missed, lastRepair, lost, spurious>>
    /\ NeedNext(need)

\* A message delete of K's latest record: its previous record is current again.
RawDeleteLatest ==
    /\ ~DenyDelete /\ bRev > 0 /\ pRev > 0
    /\ bRev' = pRev /\ bLive' = RecLive(pRev) /\ pRev' = 0 /\ removal' = "latest"
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, kDels, fLive, fRev, frontier, Listing, rounds, missed, lastRepair, lost, spurious>>
    /\ NeedNext(need)

Deliver ==
    /\ NextRet > 0
    /\ frontier' = NextRet
    /\ fLive' = IF NextRet \in {bRev, pRev} THEN RecLive(NextRet) ELSE fLive
    /\ fRev' = IF NextRet \in {bRev, pRev} THEN RecRev(NextRet) ELSE fRev
    /\ UNCHANGED <<head, kRevs, kDels, bRev, pRev, bLive, Listing, rounds, dirty, settled, missed, removal,
                   lastRepair, lost, spurious>>
    /\ NeedNext(need)

MissUpdate ==
    /\ Reconciles /\ ~missed /\ NextRet > 0 /\ NextRet = bRev
    /\ frontier' = NextRet /\ missed' = TRUE
    /\ dirty' = TRUE /\ settled' = FALSE
    /\ UNCHANGED <<head, kRevs, kDels, bRev, pRev, bLive, fLive, fRev, Listing, rounds, removal, lastRepair, lost, spurious>>
    /\ NeedNext(need)

StartRound ==
    /\ Reconciles /\ phase = "Idle" /\ rounds < MaxRounds
    /\ dirty' = FALSE
    /\ UNCHANGED <<head, kRevs, kDels, bRev, pRev, bLive, fLive, fRev, frontier, rounds, settled, missed, removal,
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
    /\ UNCHANGED <<head, kRevs, kDels, bRev, pRev, bLive, fLive, fRev, frontier, rounds, dirty, settled, missed,
                   removal, lastRepair, lost, spurious>>
    /\ IF phase = "Positioned"
       THEN /\ lPresent' = (bRev > 0) /\ lLive' = (bLive /\ bRev > 0) /\ lRev' = bRev
            /\ lPos' = lPos
            /\ NeedNext(NeedsRepair)
       ELSE /\ lPos' = head
            /\ UNCHANGED <<lPresent, lLive, lRev>>
            /\ NeedNext(need)

\* Fold repair d, taken on a read answering K's record at rp/rl/rr, and end the round: a fetch
\* or rollback folds the read's entry if it is a put the watch has passed.  A deferred repair
\* changes nothing and leaves the round unsettled.
FoldRepair(d, rp, rl, rr) ==
    LET takes == d \in {"fetch", "rollback"} /\ rp /\ rl /\ WithinFrontier(rr, frontier)
        nl == IF d = "delete" THEN FALSE ELSE IF takes THEN TRUE ELSE fLive
        nr == IF d = "delete" THEN 0 ELSE IF takes THEN rr ELSE fRev
        changed == nl # fLive \/ nr # fRev
    IN /\ fLive' = nl /\ fRev' = nr
       /\ lastRepair' = IF ~changed THEN "none" ELSE IF ~nl THEN "delete"
                        ELSE IF fLive /\ nr < fRev THEN "rollback" ELSE "fetch"
       /\ lost' = (lost \/ (Agrees /\ ~(nl = VLive /\ nr = VRev)))
       /\ spurious' = (spurious \/ (changed /\ ~need))
       /\ settled' = (~dirty /\ d # "deferred")

\* The loop's reconciliation of K: filter, confirm against a read of K's record, fold.  The
\* confirming read is linearizable or, in the Shipped mode, may lag: it then answers any
\* record K ever had, or none.  A listing-only rollback folds the listed record.
Repair ==
    /\ phase = "Listed"
    /\ LET c == ReconcileRepair(fLive, fRev, lPresent, lLive, lRev, lPos, frontier)
       IN IF c = "none" \/ ~Confirms
          THEN IF c = "rollback" THEN FoldRepair(c, lPresent, lLive, lRev)
               ELSE FoldRepair(c, bRev > 0, RecLive(bRev), bRev)
          ELSE \/ FoldRepair(ConfirmRepair(fLive, fRev, bRev > 0, RecLive(bRev), bRev, frontier, TRUE),
                             bRev > 0, RecLive(bRev), bRev)
               \/ \E r \in {0} \cup kRevs :
                    FoldRepair(ConfirmRepair(fLive, fRev, r > 0, RecLive(r), r, frontier, FALSE),
                               r > 0, RecLive(r), r)
    /\ rounds' = rounds + 1
    /\ phase' = "Idle" /\ lPos' = 0 /\ lPresent' = FALSE /\ lLive' = FALSE /\ lRev' = 0
    /\ UNCHANGED <<head, kRevs, kDels, bRev, pRev, bLive, frontier, dirty, missed, removal>>
    /\ NeedNext(FALSE)

Next == PutK \/ DelK \/ WriteOther \/ PurgeMarker \/ PurgeKey \/ RawDeleteLatest \/ Deliver \/ MissUpdate
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
    /\ head \in 0..MaxRev /\ kRevs \subseteq 1..MaxRev /\ kDels \subseteq kRevs
    /\ bRev \in 0..MaxRev /\ pRev \in 0..MaxRev /\ fRev \in 0..MaxRev
    /\ frontier \in 0..MaxRev /\ lPos \in 0..MaxRev /\ lRev \in 0..MaxRev /\ rounds \in 0..MaxRounds
    /\ phase \in {"Idle", "Positioned", "Snapshotted", "Listed"}
    /\ removal \in {"none", "marker", "key", "latest"}
    /\ lastRepair \in {"none", "delete", "fetch", "rollback"}
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

\* sometimes: "a message delete of the key's latest record is repaired by a rollback to its previous record"
RolledBack == lastRepair = "rollback" /\ removal = "latest" /\ Agrees
NeverRolledBack == ~RolledBack

\* sometimes (NoReconcile): "HAZARD reachable: without reconciliation a purge leaves the fold diverged forever"
HazardDivergedForever == ~EnabledAny /\ ~Agrees
NeverHazardDivergedForever == ~HazardDivergedForever

=============================================================================
