---------------------------- MODULE AppliedCursor ---------------------------
(***************************************************************************)
(* Cursor authority of the watch_applied flush path (applied.Run), exactly *)
(* as the Go model model/applied runs it (reference: snapshot-applied.md   *)
(* §6.1).  The loop holds the raw updates (qFrom, delivered]; a flush      *)
(* commits data and cursor atomically or fails; a crash restarts the loop  *)
(* from a resume cursor.  The invariant carried: a persisted cursor C      *)
(* implies every update <= C is in the store.                              *)
(*                                                                         *)
(* There is no shared decision kernel beyond the control flow (the         *)
(* production helpers BatchHigh and StoreFailure decide what the loop      *)
(* does; this spec fixes the resulting transitions).  Fidelity comes from  *)
(* the mutation contrast: each Variant other than "Shipped" must reach     *)
(* `holes`.                                                                *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    MaxRev,     \* highest bucket revision (5)
    Variant     \* "Shipped" | "DropFailedBatch" | "ResumeFromMemApplied"

ASSUME MaxRev \in Nat \ {0}
ASSUME Variant \in {"Shipped", "DropFailedBatch", "ResumeFromMemApplied"}

Max(a, b) == IF a >= b THEN a ELSE b

VARIABLES
    head,         \* bucket high-water revision
    delivered,    \* highest revision handed to the loop (in memory)
    storeCursor,  \* persisted cursor (a restart resumes here)
    qFrom,        \* lower bound of the pending raw range (qFrom, delivered]
    appliedMem,   \* the loop's in-memory applied cursor
    holes         \* latch: the store's cursor claims data it lacks

vars == <<head, delivered, storeCursor, qFrom, appliedMem, holes>>

Init ==
    /\ head = 0
    /\ delivered = 0
    /\ storeCursor = 0
    /\ qFrom = 0
    /\ appliedMem = 0
    /\ holes = FALSE

\* A bucket put.
Churn ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<delivered, storeCursor, qFrom, appliedMem, holes>>

\* The watch goroutine hands the next update to the loop.
Deliver ==
    /\ delivered < head
    /\ delivered' = delivered + 1
    /\ UNCHANGED <<head, storeCursor, qFrom, appliedMem, holes>>

\* store.Apply(batch, cursor) succeeds: data and cursor commit atomically.
FlushOk ==
    /\ delivered > qFrom
    /\ holes' = (holes \/ qFrom > storeCursor)
    /\ storeCursor' = delivered
    /\ qFrom' = delivered
    /\ appliedMem' = delivered
    /\ UNCHANGED <<head, delivered>>

\* store.Apply fails transiently.  Shipped (and ResumeFromMemApplied):
\* the failed batch is re-queued in front of newer updates (qFrom stays).
\* DropFailedBatch (the pre-fix behaviour): the failed batch is dropped.
FlushFail ==
    /\ delivered > qFrom
    /\ appliedMem' = delivered
    /\ qFrom' = IF Variant = "DropFailedBatch" THEN delivered ELSE qFrom
    /\ UNCHANGED <<head, delivered, storeCursor, holes>>

\* Process death and restart: the loop resumes from the store's cursor
\* (ResumeFromMemApplied: from the in-memory cursor, the mutation).
CrashRestart ==
    LET resume == IF Variant = "ResumeFromMemApplied" THEN appliedMem ELSE storeCursor IN
    /\ holes' = (holes \/ resume > storeCursor)
    /\ delivered' = resume
    /\ qFrom' = Max(resume, storeCursor)
    /\ appliedMem' = resume
    /\ UNCHANGED <<head, storeCursor>>

Next == Churn \/ Deliver \/ FlushOk \/ FlushFail \/ CrashRestart

Spec == Init /\ [][Next]_vars

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ delivered \in 0 .. head
    /\ storeCursor \in 0 .. head
    /\ qFrom \in 0 .. head
    /\ appliedMem \in 0 .. head
    /\ holes \in BOOLEAN

-----------------------------------------------------------------------------
(* Properties (each comment quotes the original name exactly).             *)

\* always: "the store's contents are always complete up to its cursor"
StoreCompleteUpToCursor == ~holes

\* always: "the re-queued range is always anchored at the store cursor"
RequeueAnchoredAtStoreCursor == qFrom = storeCursor

\* always: "quiescence implies the store is at the head"
QuiescenceImpliesStoreAtHead ==
    (head = MaxRev /\ delivered = head /\ qFrom = delivered) => storeCursor = head

\* sometimes: "a failed flush is followed by a cumulative successful commit"
CumulativeCommitAfterFailure == storeCursor > 0 /\ appliedMem = storeCursor /\ head > 1
NeverCumulativeCommitAfterFailure == ~CumulativeCommitAfterFailure

\* sometimes: "the in-memory cursor runs ahead of the store across a failure"
MemCursorAheadOfStore == appliedMem > storeCursor
NeverMemCursorAheadOfStore == ~MemCursorAheadOfStore

\* sometimes (mutations): "HAZARD reachable: cursor advances over dropped data"
\* -- reached exactly when StoreCompleteUpToCursor is violated.
HazardCursorOverDroppedData == holes

=============================================================================
