----------------------------- MODULE ResyncOrder ----------------------------
(***************************************************************************)
(* The resync ack barrier of applied.Run, exactly as the Go model          *)
(* model/resync runs it.                                                   *)
(*                                                                         *)
(* After CursorExpired the loop lists the live keys, folds synthetic       *)
(* deletes for stale keys, and only after the fold has acknowledged them   *)
(* starts the state-sync re-list.  One key K, one delete/recreate cycle;   *)
(* listing is instantaneous (a mid-scan change is equivalent to one        *)
(* before or after ListLive); the synthetic-delete fold is atomic (its     *)
(* store-failure case is AppliedCursor's).  No numeric bound: the state    *)
(* is finite booleans.                                                     *)
(***************************************************************************)

CONSTANT AckBarrier   \* TRUE = shipped; FALSE = the NoAckBarrier mutation

ASSUME AckBarrier \in BOOLEAN

VARIABLES
    phase,            \* "Expired" | "Listed" | "Fallback"
    bucketK,          \* K is live in the bucket now (init FALSE: deleted in the gap, marker evicted)
    kInList,          \* K was in the listing snapshot
    foldK,            \* K is in the fold (init TRUE: stale)
    deletesFolded,    \* the synthetic deletes were folded (and acknowledged)
    relistPutFolded   \* the re-list delivered K's put and it was folded

vars == <<phase, bucketK, kInList, foldK, deletesFolded, relistPutFolded>>

Init ==
    /\ phase = "Expired"
    /\ bucketK = FALSE
    /\ kInList = FALSE
    /\ foldK = TRUE
    /\ deletesFolded = FALSE
    /\ relistPutFolded = FALSE

\* Keys(): the listing of live keys.
ListLive ==
    /\ phase = "Expired"
    /\ kInList' = bucketK
    /\ phase' = "Listed"
    /\ UNCHANGED <<bucketK, foldK, deletesFolded, relistPutFolded>>

\* Another writer re-creates K.
RecreateK ==
    /\ ~bucketK
    /\ bucketK' = TRUE
    /\ UNCHANGED <<phase, kInList, foldK, deletesFolded, relistPutFolded>>

\* The loop folds the synthetic deletes (stale = in the fold, not listed) and acks.
FoldSyntheticDeletes ==
    /\ phase # "Expired"
    /\ ~deletesFolded
    /\ foldK' = IF ~kInList THEN FALSE ELSE foldK
    /\ deletesFolded' = TRUE
    /\ UNCHANGED <<phase, bucketK, kInList, relistPutFolded>>

\* The state-sync re-list starts: after the ack (barrier) or at once (mutation).
StartFallback ==
    /\ phase = "Listed"
    \* Compared with TRUE so that TLC does not branch on the disjunction (one
    \* successor per action, as in the Go model; equal "states generated").
    /\ (~AckBarrier \/ deletesFolded) = TRUE
    /\ phase' = "Fallback"
    /\ UNCHANGED <<bucketK, kInList, foldK, deletesFolded, relistPutFolded>>

\* The re-list delivers K's current put and the loop folds it.
DeliverRelistPut ==
    /\ phase = "Fallback"
    /\ bucketK
    /\ ~relistPutFolded
    /\ foldK' = TRUE
    /\ relistPutFolded' = TRUE
    /\ UNCHANGED <<phase, bucketK, kInList, deletesFolded>>

Next == ListLive \/ RecreateK \/ FoldSyntheticDeletes \/ StartFallback \/ DeliverRelistPut

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards; GuardsMatchEnabled checks it
\* against TLC's ENABLED Next.
EnabledAny ==
    \/ phase = "Expired"
    \/ ~bucketK
    \/ phase # "Expired" /\ ~deletesFolded
    \/ phase = "Listed" /\ (~AckBarrier \/ deletesFolded)
    \/ phase = "Fallback" /\ bucketK /\ ~relistPutFolded

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ phase \in {"Expired", "Listed", "Fallback"}
    /\ {bucketK, kInList, foldK, deletesFolded, relistPutFolded} \subseteq BOOLEAN

-----------------------------------------------------------------------------
(* Properties (each comment quotes the original name exactly).             *)

\* always (barrier): "every maximal run ends with the fold equal to the bucket"
TerminalFoldEqualsBucket == EnabledAny \/ foldK = bucketK

\* sometimes: "recreate-after-listing converges via delete-then-put ordering"
RecreateAfterListingConverges == ~kInList /\ relistPutFolded /\ foldK /\ bucketK
NeverRecreateAfterListingConverges == ~RecreateAfterListingConverges

\* sometimes: "recreate-before-listing converges via the listing itself"
RecreateBeforeListingConverges == kInList /\ foldK /\ bucketK
NeverRecreateBeforeListingConverges == ~RecreateBeforeListingConverges

\* sometimes: "never-recreated K is reconciled away"
ReconciledAwayWhenNeverRecreated == ~foldK /\ ~bucketK /\ deletesFolded
NeverReconciledAwayWhenNeverRecreated == ~ReconciledAwayWhenNeverRecreated

\* sometimes (NoAckBarrier): "HAZARD reachable: synthetic delete erases a re-created key"
\* -- reached exactly when TerminalFoldEqualsBucket is violated.
HazardSyntheticDeleteErasesRecreatedKey == ~EnabledAny /\ bucketK /\ ~foldK
NeverHazardSyntheticDeleteErasesRecreatedKey == ~HazardSyntheticDeleteErasesRecreatedKey

=============================================================================
