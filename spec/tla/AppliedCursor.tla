---------------------------- MODULE AppliedCursor ---------------------------
(***************************************************************************)
(* Cursor authority of the watch_applied flush path (applied.Run), exactly *)
(* as the Go model model/applied runs it.  The loop holds the raw updates *)
(* (qFrom, delivered]; a flush                                             *)
(* commits data and cursor atomically or fails; a crash restarts the loop  *)
(* from a resume cursor.  The invariant carried: a persisted cursor C      *)
(* implies every update <= C is in the store.                              *)
(*                                                                         *)
(* The flush path's decisions go through operators mirroring the Go        *)
(* kernels BatchHigh, Requeue and StoreFailure, as the Go model does.      *)
(* With every version known and FailStop off they give exactly the base    *)
(* model's transitions (see model/applied).                                *)
(*                                                                         *)
(* Two extensions of the Go model (off by default, each with its own       *)
(* configuration) are mirrored verbatim:                                   *)
(*  - UnknownVersions: variable `unknown` (an update without a position,   *)
(*    e.g. a resync's synthetic delete, is pending at the batch's tail)    *)
(*    and action ReceiveUnknown; it exercises BatchHigh and Requeue.       *)
(*  - FailStop: variables `streak` and `stopped`; every store apply        *)
(*    outcome goes through StoreFailure.                                   *)
(*  - WatchRestart (constant WatchRestartOn): variables `from`, `skipped`  *)
(*    and `restarted`, and action WatchRestart: a failed watch restarted   *)
(*    in place after the position WatchRestartAfter picks; it exercises    *)
(*    that kernel.                                                         *)
(* With an extension off its variables keep their initial values, so the   *)
(* state count is the base model's.                                        *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    MaxRev,           \* highest bucket revision (5)
    Variant,          \* "Shipped" | "DropFailedBatch" | "ResumeFromMemApplied"
    UnknownVersions,  \* extension UnknownVersions on/off
    FailStop,         \* extension FailStop on/off
    WatchRestartOn,   \* extension WatchRestart on/off
    KernelMutation    \* "None" | "RequeueDrop" | "BatchHighOnUnknown" | "StoreFailureAt15" | "StoreFailureAt17" | "RestartPastFrontier"

ASSUME MaxRev \in Nat \ {0}
ASSUME Variant \in {"Shipped", "DropFailedBatch", "ResumeFromMemApplied"}
ASSUME UnknownVersions \in BOOLEAN /\ FailStop \in BOOLEAN /\ WatchRestartOn \in BOOLEAN
ASSUME KernelMutation \in {"None", "RequeueDrop", "BatchHighOnUnknown",
                           "StoreFailureAt15", "StoreFailureAt17", "RestartPastFrontier"}

Max(a, b) == IF a >= b THEN a ELSE b

-----------------------------------------------------------------------------
(* Kernels.  A version token is its revision (>= 1); 0 stands for the      *)
(* zero-length token: the unknown version, or "no position yet".           *)
(* Revisions in this model start at 1, so 0 never names a real position.   *)

Unknown == 0

\* Go: protocol.BatchHigh(high, version []byte) []byte: a known version
\* replaces the mark; an unknown version leaves it unchanged.
BatchHigh(high, version) == IF version = Unknown THEN high ELSE version

\* Go: applied.MutBatchHighOnUnknown (mutation): every update moves the mark.
MutBatchHighOnUnknown(high, version) == version

BatchHighK(high, version) ==
    IF KernelMutation = "BatchHighOnUnknown" THEN MutBatchHighOnUnknown(high, version)
                                             ELSE BatchHigh(high, version)

\* Go: protocol.Requeue(failed, newer): the failed batch first, then the newer updates.
Requeue(failed, newer) == failed \o newer

\* Go: applied.MutRequeueDrop (mutation): the failed batch is dropped.
MutRequeueDrop(failed, newer) == newer

\* The DropFailedBatch variant is exactly the re-queue kernel replaced by MutRequeueDrop.
RequeueK(failed, newer) ==
    IF Variant = "DropFailedBatch" \/ KernelMutation = "RequeueDrop"
      THEN MutRequeueDrop(failed, newer)
      ELSE Requeue(failed, newer)

\* Go: protocol.MaxStoreApplyFailures.
MaxStoreApplyFailures == 16

\* Go: protocol.StoreFailure(streak uint, failed bool) (next uint, fatal bool):
\* a success resets the streak; a failure increments it and is fatal at 16.
\* (Go saturates the count at the maximum uint; streaks here stay below 17.)
StoreFailure(streak, failed) ==
    IF ~failed THEN <<0, FALSE>>
    ELSE <<streak + 1, streak + 1 >= MaxStoreApplyFailures>>

\* Go: applied.MutStoreFailureAt(n) (mutation): fatal at the n-th failure.
MutStoreFailureAt(n, streak, failed) ==
    <<StoreFailure(streak, failed)[1], failed /\ StoreFailure(streak, failed)[1] >= n>>

StoreFailureK(streak, failed) ==
    CASE KernelMutation = "StoreFailureAt15" -> MutStoreFailureAt(15, streak, failed)
      [] KernelMutation = "StoreFailureAt17" -> MutStoreFailureAt(17, streak, failed)
      [] OTHER -> StoreFailure(streak, failed)

\* Go: protocol.WatchRestartAfter(start, forwarded []byte) []byte: the last
\* position handed to the loop, else where the chain of watches started.
WatchRestartAfter(start, forwarded) == IF forwarded = Unknown THEN start ELSE forwarded

\* Go: applied.MutRestartPastFrontier (mutation): one revision past it.
MutRestartPastFrontier(start, forwarded) == WatchRestartAfter(start, forwarded) + 1

RestartAfterK(start, forwarded) ==
    IF KernelMutation = "RestartPastFrontier" THEN MutRestartPastFrontier(start, forwarded)
                                              ELSE WatchRestartAfter(start, forwarded)

-----------------------------------------------------------------------------
VARIABLES
    head,         \* bucket high-water revision
    delivered,    \* highest revision handed to the loop (in memory)
    storeCursor,  \* persisted cursor (a restart resumes here)
    qFrom,        \* lower bound of the pending raw range (qFrom, delivered]
    appliedMem,   \* the loop's in-memory applied cursor
    holes,        \* latch: the store's cursor claims data it lacks
    unknown,      \* UnknownVersions: an unknown-version update is pending (FALSE otherwise)
    streak,       \* FailStop: consecutive failed store applies (0 otherwise)
    stopped,      \* FailStop: the loop has failed the watch (FALSE otherwise)
    from,         \* WatchRestart: where the current chain of watches started (0 otherwise)
    skipped,      \* WatchRestart: lowest revision a restart resumed past (0: none)
    restarted     \* WatchRestart: a restart in place since the last CrashRestart

vars == <<head, delivered, storeCursor, qFrom, appliedMem, holes, unknown, streak, stopped,
          from, skipped, restarted>>
wvars == <<from, skipped, restarted>>

\* The version tokens of the pending raw batch, oldest first (Go: State.batch).
Batch ==
    [i \in 1 .. (delivered - qFrom) |-> qFrom + i]
        \o (IF unknown THEN <<Unknown>> ELSE <<>>)

RECURSIVE FoldHigh(_, _)
FoldHigh(high, seq) ==
    IF seq = <<>> THEN high ELSE FoldHigh(BatchHighK(high, Head(seq)), Tail(seq))

\* The position the flush claims (Go: Model.claimed); Unknown = none.
Claimed == FoldHigh(Unknown, Batch)

\* The pending batch after a failure, mapped back onto (qFrom, unknown)
\* (Go: Model.requeued): the positioned updates are a run ending at delivered.
Requeued ==
    LET out == RequeueK(Batch, <<>>)
        known == {i \in 1 .. Len(out) : out[i] # Unknown}
        first == IF known = {} THEN 0 ELSE out[CHOOSE i \in known : \A j \in known : i <= j]
    IN <<IF known = {} THEN delivered ELSE first - 1,
         \E i \in 1 .. Len(out) : out[i] = Unknown>>

Running == ~stopped

Init ==
    /\ head = 0
    /\ delivered = 0
    /\ storeCursor = 0
    /\ qFrom = 0
    /\ appliedMem = 0
    /\ holes = FALSE
    /\ unknown = FALSE
    /\ streak = 0
    /\ stopped = FALSE
    /\ from = 0
    /\ skipped = 0
    /\ restarted = FALSE

\* A bucket put.
Churn ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<delivered, storeCursor, qFrom, appliedMem, holes, unknown, streak, stopped>>
    /\ UNCHANGED wvars

\* The watch goroutine hands the next update to the loop.
Deliver ==
    /\ Running
    /\ delivered < head
    /\ delivered' = delivered + 1
    /\ UNCHANGED <<head, storeCursor, qFrom, appliedMem, holes, unknown, streak, stopped>>
    /\ UNCHANGED wvars

\* Extension UnknownVersions: an update without a position joins the batch.
ReceiveUnknown ==
    /\ UnknownVersions
    /\ Running
    /\ ~unknown
    /\ unknown' = TRUE
    /\ UNCHANGED <<head, delivered, storeCursor, qFrom, appliedMem, holes, streak, stopped>>
    /\ UNCHANGED wvars

\* The disjunction is compared with TRUE so that TLC evaluates it as a value
\* instead of branching on it: each action yields one successor, as in the Go
\* model, and TLC's "states generated" equals the Go checker's Generated.
FlushEnabled == Running /\ (delivered > qFrom \/ unknown) = TRUE

\* store.Apply(batch, cursor) succeeds: data and cursor commit atomically.
FlushOk ==
    /\ FlushEnabled
    /\ LET newMem == IF Claimed # Unknown THEN Claimed ELSE appliedMem IN
        \* WatchRestart: a stored cursor at or over a skipped revision claims data
        \* the loop never received.
        /\ holes' = (holes \/ qFrom > storeCursor \/ (skipped > 0 /\ skipped <= newMem) = TRUE)
        /\ appliedMem' = newMem
        /\ storeCursor' = newMem
        /\ qFrom' = delivered
        /\ unknown' = FALSE
        /\ streak' = IF FailStop THEN StoreFailureK(streak, FALSE)[1] ELSE streak
    /\ UNCHANGED <<head, delivered, stopped>>
    /\ UNCHANGED wvars

\* store.Apply fails transiently; the pending batch is what Requeue returns.
FlushFail ==
    /\ FlushEnabled
    /\ appliedMem' = IF Claimed # Unknown THEN Claimed ELSE appliedMem
    /\ qFrom' = Requeued[1]
    /\ unknown' = Requeued[2]
    /\ IF FailStop
         THEN /\ streak' = StoreFailureK(streak, TRUE)[1]
              /\ stopped' = StoreFailureK(streak, TRUE)[2]
         ELSE UNCHANGED <<streak, stopped>>
    /\ UNCHANGED <<head, delivered, storeCursor, holes>>
    /\ UNCHANGED wvars

\* Extension WatchRestart: the watch fails while the next revision is in flight
\* (received from the server, not handed to the loop) and is started again in
\* place, after the position the restart kernel picks from the chain's start
\* and the last revision handed over.  The loop keeps its batch and cursors.
WatchRestart ==
    /\ WatchRestartOn
    /\ Running
    /\ skipped = 0
    /\ delivered < head
    /\ LET at == RestartAfterK(from, IF delivered > from THEN delivered ELSE Unknown) IN
        /\ restarted' = TRUE
        /\ IF at > delivered
             THEN /\ skipped' = delivered + 1
                  /\ delivered' = IF at < MaxRev THEN at ELSE MaxRev
             ELSE UNCHANGED <<skipped, delivered>>
    /\ UNCHANGED <<head, storeCursor, qFrom, appliedMem, holes, unknown, streak, stopped, from>>

\* Process death and restart: the loop resumes from the store's cursor
\* (ResumeFromMemApplied: from the in-memory cursor, the mutation).
CrashRestart ==
    LET resume == IF Variant = "ResumeFromMemApplied" THEN appliedMem ELSE storeCursor IN
    /\ holes' = (holes \/ resume > storeCursor)
    /\ delivered' = resume
    /\ qFrom' = Max(resume, storeCursor)
    /\ appliedMem' = resume
    /\ unknown' = FALSE
    /\ streak' = 0
    /\ stopped' = FALSE
    /\ from' = IF WatchRestartOn THEN resume ELSE from
    /\ skipped' = IF skipped > resume THEN 0 ELSE skipped
    /\ restarted' = FALSE
    /\ UNCHANGED <<head, storeCursor>>

Next == Churn \/ Deliver \/ ReceiveUnknown \/ FlushOk \/ FlushFail \/ WatchRestart \/ CrashRestart

Spec == Init /\ [][Next]_vars

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ delivered \in 0 .. head
    /\ storeCursor \in 0 .. head
    /\ qFrom \in 0 .. head
    /\ appliedMem \in 0 .. head
    /\ holes \in BOOLEAN
    /\ unknown \in BOOLEAN /\ (~UnknownVersions => ~unknown)
    /\ streak \in 0 .. 17 /\ (~FailStop => streak = 0)
    /\ stopped \in BOOLEAN /\ (~FailStop => ~stopped)
    /\ from \in 0 .. head /\ skipped \in 0 .. MaxRev /\ restarted \in BOOLEAN
    /\ (~WatchRestartOn => from = 0 /\ skipped = 0 /\ ~restarted)

\* Kernel unit pins (protocol/watchloop_test.go), checked before every run.
ASSUME /\ BatchHigh(Unknown, 3) = 3
       /\ BatchHigh(3, Unknown) = 3
       /\ BatchHigh(3, 4) = 4
       /\ Requeue(<<1, 2>>, <<3>>) = <<1, 2, 3>>
       /\ StoreFailure(0, FALSE) = <<0, FALSE>>
       /\ StoreFailure(14, TRUE) = <<15, FALSE>>
       /\ StoreFailure(15, TRUE) = <<16, TRUE>>
       /\ WatchRestartAfter(3, 7) = 7
       /\ WatchRestartAfter(3, Unknown) = 3
       /\ WatchRestartAfter(Unknown, Unknown) = Unknown

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
NeverHazardCursorOverDroppedData == ~HazardCursorOverDroppedData

\* sometimes (UnknownVersions): "an unknown version is pending behind positioned updates"
UnknownPendingBehindPositioned == unknown /\ delivered > qFrom
NeverUnknownPendingBehindPositioned == ~UnknownPendingBehindPositioned

\* always (FailStop): "the 16th consecutive failed store apply, and only it, stops the watch"
FailStopAt16 == stopped = (streak >= MaxStoreApplyFailures)

\* sometimes (FailStop): "a dead store stops the watch"
DeadStoreStops == stopped
NeverDeadStoreStops == ~DeadStoreStops

\* sometimes (WatchRestart): "a watch restarted in place resumes ahead of the store's cursor"
RestartAheadOfStore == restarted /\ delivered > storeCursor
NeverRestartAheadOfStore == ~RestartAheadOfStore

=============================================================================
