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
(*                                                                         *)
(* Extensions (all off in the base configurations, whose extra variables   *)
(* then keep their initial values): Filtered adds ChurnOut, writes outside *)
(* the scope, so deliveries are sparse; StateSync makes the watch a        *)
(* zero-cursor one (StartWatch, a last-per-key snapshot up to the head at  *)
(* creation, then live updates); Advance adds the caught-up frontier       *)
(* advance (Probe, CaughtUp).  Mode GapOnly probes only in-band.           *)
(*                                                                         *)
(* Retention "Supersession" is a stream without limits (a default          *)
(* history-1 bucket): Compact evicts the record at the first sequence only *)
(* when its key has a newer record in the stream (in-scope writes other    *)
(* than the marker go to one key, out-of-scope writes to another), so the  *)
(* marker, the sentinel's last record, is never evicted.  Whether the      *)
(* guard may trip at all is FloorGuardRequired of the stream's retention;  *)
(* where it is FALSE the probe still runs but never trips.                 *)
(*                                                                         *)
(* Extension Resume (base model only): StopWatch ends the watch once, its  *)
(* cursor the frontier; ResumeWatch starts a new one from that cursor      *)
(* through the resume check ResumeAllowed(cursor, first sequence,          *)
(* retention): accepted, it goes on from the cursor (evicted revisions     *)
(* skipped silently); refused, the fold resyncs as in GuardRepair.         *)
(* Retention evicts only while the watch is stopped and the configurations *)
(* run with Mode "Unguarded", so the resume check is the only defence: a   *)
(* live guard would trip at the first gap of a wrongly accepted resume and *)
(* hide the broken check.                                                  *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    MaxRev,         \* highest bucket revision (5)
    Mode,           \* "Guarded" (shipped) | "Unguarded" (pre-guard code) | "PeriodicOnly" | "GapOnly" (rejected designs)
    KernelMutation, \* "None" | "ProbeGapOfTwo" | "TripsLate" | "FrontierOvershoot" | "StartAtLast" | "AdvanceWithoutProof" | "RequiredNever" | "ResumeIgnoresRetention"
    Retention,      \* "Limits" (a limit may evict any record) | "Supersession" (only superseded records are evicted)
    Filtered,       \* extension: writes outside the scope (ChurnOut)
    StateSync,      \* extension: a zero-cursor watch (StartWatch, snapshot, live)
    Advance,        \* extension: the caught-up frontier advance (Probe, CaughtUp)
    Resume,         \* extension: the watch stopped once and resumed through the resume check (StopWatch, ResumeWatch)
    Null            \* a model value: "no delete yet"

ASSUME MaxRev \in Nat \ {0}
ASSUME Mode \in {"Guarded", "Unguarded", "PeriodicOnly", "GapOnly"}
ASSUME KernelMutation \in {"None", "ProbeGapOfTwo", "TripsLate", "FrontierOvershoot", "StartAtLast", "AdvanceWithoutProof", "RequiredNever", "ResumeIgnoresRetention"}
ASSUME Retention \in {"Limits", "Supersession"}
ASSUME {Filtered, StateSync, Advance, Resume} \subseteq BOOLEAN
ASSUME Resume => ~(Filtered \/ StateSync \/ Advance)

Max(a, b) == IF a >= b THEN a ELSE b
Maximum(S) == CHOOSE x \in S : \A y \in S : y <= x
Minimum(S) == CHOOSE x \in S : \A y \in S : x <= y

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

\* Go: protocol.FloorGuardStart(cursor, firstBefore, last uint64) uint64: a
\* resumed watch starts at its cursor, a state-sync one below the first
\* sequence read before its consumer was created.
FloorGuardStart(cursor, firstBefore, lst) ==
    IF cursor # 0 THEN cursor ELSE IF firstBefore = 0 THEN 0 ELSE firstBefore - 1

\* Go: protocol.FloorGuardAdvance(frontier, last uint64, caughtUp bool) uint64.
FloorGuardAdvance(frontier, lst, caughtUp) == IF caughtUp THEN Max(frontier, lst) ELSE frontier

\* Go: protocol.FloorGuardRequired(r StreamRetention) bool: the guard may trip
\* only on a stream some setting of which can remove a key's latest record.
FloorGuardRequired(r) ==
    r.ackRemoval \/ r.maxAge \/ r.maxMsgs \/ r.maxBytes \/ r.msgTTL \/ r.markerTTL \/ r.schedules

\* Go: protocol.ResumeAllowed(cursor, firstSequence uint64, r StreamRetention) bool:
\* the window check, or a stream on which only supersession removes records.
ResumeAllowed(cursor, firstSequence, r) ==
    ResumeWindowOK(cursor, firstSequence) \/ ~FloorGuardRequired(r)

\* The stream configuration each Retention stands for (Go: Retention.streamRetention).
NoLimits == [ackRemoval |-> FALSE, maxAge |-> FALSE, maxMsgs |-> FALSE,
             maxBytes |-> FALSE, msgTTL |-> FALSE, markerTTL |-> FALSE, schedules |-> FALSE]
StreamRetention == IF Retention = "Supersession" THEN NoLimits ELSE [NoLimits EXCEPT !.maxMsgs = TRUE]

\* Kernel mutations (Go: model/floorguard/mutants.go), each replacing one kernel.
MutProbeGapOfTwo(frontier, rev) == rev > frontier + 2
MutTripsLate(frontier, firstSequence) == ~ResumeWindowOK(frontier + 1, firstSequence)
MutFrontierOvershoot(frontier, rev) == Max(frontier, rev) + 1
MutStartAtLast(cursor, firstBefore, lst) == IF cursor # 0 THEN cursor ELSE lst
MutAdvanceWithoutProof(frontier, lst, caughtUp) == Max(frontier, lst)
MutRequiredNever(r) == FALSE
MutResumeIgnoresRetention(cursor, firstSequence, r) == ResumeAllowed(cursor, firstSequence, NoLimits)

ProbeNeededK(frontier, rev) ==
    IF KernelMutation = "ProbeGapOfTwo" THEN MutProbeGapOfTwo(frontier, rev)
                                        ELSE FloorGuardProbeNeeded(frontier, rev)
TripsK(frontier, firstSequence) ==
    IF KernelMutation = "TripsLate" THEN MutTripsLate(frontier, firstSequence)
                                    ELSE FloorGuardTrips(frontier, firstSequence)
FrontierK(frontier, rev) ==
    IF KernelMutation = "FrontierOvershoot" THEN MutFrontierOvershoot(frontier, rev)
                                            ELSE FloorGuardFrontier(frontier, rev)
StartK(cursor, firstBefore, lst) ==
    IF KernelMutation = "StartAtLast" THEN MutStartAtLast(cursor, firstBefore, lst)
                                      ELSE FloorGuardStart(cursor, firstBefore, lst)
AdvanceK(frontier, lst, caughtUp) ==
    IF KernelMutation = "AdvanceWithoutProof" THEN MutAdvanceWithoutProof(frontier, lst, caughtUp)
                                              ELSE FloorGuardAdvance(frontier, lst, caughtUp)
RequiredK(r) ==
    IF KernelMutation = "RequiredNever" THEN MutRequiredNever(r) ELSE FloorGuardRequired(r)
ResumeK(cursor, firstSequence, r) ==
    IF KernelMutation = "ResumeIgnoresRetention" THEN MutResumeIgnoresRetention(cursor, firstSequence, r)
                                                 ELSE ResumeAllowed(cursor, firstSequence, r)

\* Kernel unit pins (protocol/floorguard_test.go), checked before every run.
ASSUME /\ ~FloorGuardProbeNeeded(3, 4) /\ FloorGuardProbeNeeded(3, 5)
       /\ ~FloorGuardTrips(3, 4) /\ FloorGuardTrips(3, 5)
       /\ FloorGuardFrontier(3, 2) = 3 /\ FloorGuardFrontier(3, 5) = 5
       /\ FloorGuardStart(7, 3, 9) = 7 /\ FloorGuardStart(0, 4, 9) = 3 /\ FloorGuardStart(0, 0, 9) = 0
       /\ FloorGuardAdvance(3, 7, FALSE) = 3 /\ FloorGuardAdvance(3, 7, TRUE) = 7
       /\ FloorGuardAdvance(8, 7, TRUE) = 8
       /\ ~FloorGuardRequired(NoLimits)
       /\ FloorGuardRequired([NoLimits EXCEPT !.maxAge = TRUE])
       /\ FloorGuardRequired([NoLimits EXCEPT !.msgTTL = TRUE])
       /\ ResumeAllowed(3, 4, [NoLimits EXCEPT !.maxMsgs = TRUE])
       /\ ~ResumeAllowed(3, 5, [NoLimits EXCEPT !.maxMsgs = TRUE])
       /\ ~ResumeAllowed(3, 5, [NoLimits EXCEPT !.maxAge = TRUE])
       /\ ResumeAllowed(3, 5, NoLimits)

VARIABLES
    head,        \* bucket high-water revision
    floor,       \* revisions <= floor are evicted (first_sequence = floor + 1)
    deleteRev,   \* Null, or the revision of the sentinel key's delete marker
    frontier,    \* the guard's frontier (base model: the highest revision delivered)
    foldHasKey,  \* the fold holds the sentinel key
    tripped,     \* latch: the floor guard tripped
    out,         \* Filtered: the revisions written outside the scope
    pos,         \* extensions: the consumer's position (last revision delivered)
    snapEnd,     \* StateSync: the head when the consumer was created
    last,        \* Advance: the head read by the guard's last probe
    started,     \* StateSync: the watch exists
    caught,      \* Advance: the consumer was seen caught up since the last probe
    stopped,     \* Resume: the watch is stopped, its cursor the frontier
    resumed,     \* Resume: it was resumed (once per run)
    expired,     \* Resume: the resume was refused and the fold resynced
    behind       \* Resume: the resume was accepted with the first sequence past cursor + 1

vars == <<head, floor, deleteRev, frontier, foldHasKey, tripped, out, pos, snapEnd, last, started, caught,
          stopped, resumed, expired, behind>>
ext == <<out, pos, snapEnd, last, started, caught>>
res == <<stopped, resumed, expired, behind>>

BucketHasKey == deleteRev = Null

Ext == Filtered \/ StateSync \/ Advance
Started == ~StateSync \/ started
\* Only a running watch (started, not stopped) delivers, probes and trips.
Running == Started /\ ~stopped
Pos == IF Ext THEN pos ELSE frontier
InScope(r) == r >= 1 /\ r \notin out

\* The probe's verdict on the current state: the stream's first sequence is floor + 1,
\* and a guard FloorGuardRequired says is not needed never trips.
Trips == RequiredK(StreamRetention) /\ TripsK(frontier, floor + 1)

\* Retention may evict revision r, the record at the first sequence: any under
\* "Limits"; under "Supersession" only one whose key has a newer record up to
\* head (never the marker, the sentinel's last record).
Evictable(r) ==
    \/ Retention = "Limits"
    \/ /\ r # deleteRev
       /\ IF r \in out THEN \E q \in (r + 1) .. head : q \in out
          ELSE \E q \in (r + 1) .. head : InScope(q) /\ q # deleteRev

\* The last in-scope write other than the marker at or below e (0 = none): the
\* one record per other key a last-per-key snapshot holds.
LastOtherInScope(e) ==
    LET S == {r \in 1 .. e : InScope(r) /\ r # deleteRev} IN IF S = {} THEN 0 ELSE Maximum(S)

FirstLiveAfter(b) ==
    LET S == {r \in (b + 1) .. head : InScope(r)} IN IF S = {} THEN 0 ELSE Minimum(S)

\* The revision the consumer delivers next (0 = nothing): evicted and
\* out-of-scope revisions are skipped silently; a snapshot holds only the
\* last record per key up to snapEnd.
NextRev ==
    IF ~Running THEN 0 ELSE
    LET b == Max(Pos, floor)
        o == LastOtherInScope(snapEnd)
    IN IF StateSync /\ b < snapEnd
       THEN IF deleteRev # Null /\ deleteRev > b /\ deleteRev <= snapEnd
            THEN IF o > b /\ o < deleteRev THEN o ELSE deleteRev
            ELSE IF o > b THEN o ELSE FirstLiveAfter(snapEnd)
       ELSE FirstLiveAfter(b)

Gated == Mode \in {"Guarded", "GapOnly"}

\* A gated watch does not forward a delivery that needs a probe whose verdict trips.
DeliverBlocked == Gated /\ ProbeNeededK(frontier, NextRev) /\ Trips

Advancing == Advance /\ Mode = "Guarded" /\ Running

ProbeGuard ==
    /\ Advancing /\ ~Trips
    /\ (AdvanceK(frontier, last, caught) # frontier \/ last # head) = TRUE

CaughtUpGuard == Advancing /\ ~caught /\ last > frontier /\ NextRev = 0

RepairEnabled ==
    /\ Running /\ Trips
    /\ IF Mode \in {"Guarded", "PeriodicOnly"} THEN TRUE
       ELSE IF Mode = "GapOnly" THEN NextRev # 0 /\ ProbeNeededK(frontier, NextRev)
       ELSE FALSE

Init ==
    /\ head = 0
    /\ floor = 0
    /\ frontier = 0
    /\ deleteRev = Null
    /\ foldHasKey = TRUE
    /\ tripped = FALSE
    /\ out = {}
    /\ pos = 0
    /\ snapEnd = 0
    /\ last = 0
    /\ started = FALSE
    /\ caught = FALSE
    /\ stopped = FALSE
    /\ resumed = FALSE
    /\ expired = FALSE
    /\ behind = FALSE

Churn ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<floor, deleteRev, frontier, foldHasKey, tripped>>
    /\ UNCHANGED ext
    /\ UNCHANGED res

\* Filtered: a write of a key outside the scope.
ChurnOut ==
    /\ Filtered
    /\ head < MaxRev
    /\ head' = head + 1
    /\ out' = out \cup {head + 1}
    /\ UNCHANGED <<floor, deleteRev, frontier, foldHasKey, tripped>>
    /\ UNCHANGED <<pos, snapEnd, last, started, caught>>
    /\ UNCHANGED res

DeleteKey ==
    /\ head < MaxRev
    /\ deleteRev = Null
    /\ head' = head + 1
    /\ deleteRev' = head + 1
    /\ UNCHANGED <<floor, frontier, foldHasKey, tripped>>
    /\ UNCHANGED ext
    /\ UNCHANGED res

\* Retention head eviction: moves first_sequence (held off before a state-sync
\* watch exists: the resync's listing and the creation are one step here; with
\* Resume, only while the watch is stopped).
Compact ==
    /\ floor < head
    /\ Started
    /\ Resume => stopped
    /\ Evictable(floor + 1)
    /\ floor' = floor + 1
    /\ UNCHANGED <<head, deleteRev, frontier, foldHasKey, tripped>>
    /\ UNCHANGED ext
    /\ UNCHANGED res

\* StateSync: the consumer is created; the guard starts below the first sequence.
StartWatch ==
    /\ StateSync /\ ~started
    /\ started' = TRUE
    /\ snapEnd' = head
    /\ frontier' = StartK(0, floor + 1, head)
    /\ UNCHANGED <<head, floor, deleteRev, foldHasKey, tripped, out, pos, last, caught>>
    /\ UNCHANGED res

\* The next revision reaches the fold, unless the gated watch's in-band probe trips.
Deliver ==
    /\ NextRev # 0
    /\ ~DeliverBlocked
    /\ frontier' = FrontierK(frontier, NextRev)
    /\ pos' = IF Ext THEN NextRev ELSE pos
    /\ foldHasKey' = IF deleteRev = NextRev THEN FALSE ELSE foldHasKey
    /\ UNCHANGED <<head, floor, deleteRev, tripped, out, snapEnd, last, started, caught>>
    /\ UNCHANGED res

\* Advance: a probe that does not trip moves the frontier on a caught-up proof
\* and reads the head for the next one.
Probe ==
    /\ ProbeGuard
    /\ frontier' = AdvanceK(frontier, last, caught)
    /\ last' = head
    /\ caught' = FALSE
    /\ UNCHANGED <<head, floor, deleteRev, foldHasKey, tripped, out, pos, snapEnd, started>>
    /\ UNCHANGED res

\* Advance: the consumer is seen with nothing pending after the last probe.
CaughtUp ==
    /\ CaughtUpGuard
    /\ caught' = TRUE
    /\ UNCHANGED <<head, floor, deleteRev, frontier, foldHasKey, tripped, out, pos, snapEnd, last, started>>
    /\ UNCHANGED res

\* The guard fails the watch (in-band probe or backstop timer; PeriodicOnly:
\* the timer only; GapOnly: the in-band probe only); restart -> CursorExpired
\* -> resync repairs the fold.
GuardRepair ==
    /\ RepairEnabled
    /\ tripped' = TRUE
    /\ foldHasKey' = BucketHasKey
    /\ frontier' = floor
    /\ pos' = IF Ext THEN floor ELSE pos
    /\ snapEnd' = IF Ext THEN 0 ELSE snapEnd
    /\ last' = IF Ext THEN 0 ELSE last
    /\ caught' = IF Ext THEN FALSE ELSE caught
    /\ UNCHANGED <<head, floor, deleteRev, out, started>>
    /\ UNCHANGED res

\* Resume: the watch ends once; its cursor is the frontier.
StopWatch ==
    /\ Resume /\ Running /\ ~resumed
    /\ stopped' = TRUE
    /\ UNCHANGED <<head, floor, deleteRev, frontier, foldHasKey, tripped, resumed, expired, behind>>
    /\ UNCHANGED ext

\* Resume: a new watch from the cursor, through the resume check.  Accepted, it
\* goes on from the cursor (NextRev skips what was evicted, as JetStream clamps
\* a start below the first sequence silently); refused (kv.ErrCursorExpired),
\* the fold resyncs and the watch restarts at the floor.
ResumeWatch ==
    /\ stopped
    /\ stopped' = FALSE
    /\ resumed' = TRUE
    /\ IF ResumeK(frontier, floor + 1, StreamRetention)
       THEN /\ behind' = (behind \/ floor > frontier)
            /\ UNCHANGED <<frontier, foldHasKey, expired>>
       ELSE /\ expired' = TRUE
            /\ foldHasKey' = BucketHasKey
            /\ frontier' = floor
            /\ UNCHANGED behind
    /\ UNCHANGED <<head, floor, deleteRev, tripped>>
    /\ UNCHANGED ext

Next == Churn \/ ChurnOut \/ DeleteKey \/ Compact \/ StartWatch \/ Deliver
        \/ Probe \/ CaughtUp \/ GuardRepair \/ StopWatch \/ ResumeWatch

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards; GuardsMatchEnabled checks it
\* against TLC's ENABLED Next.
EnabledAny ==
    \/ head < MaxRev
    \/ floor < head /\ Started /\ (~Resume \/ stopped) /\ Evictable(floor + 1)
    \/ StateSync /\ ~started
    \/ NextRev # 0 /\ ~DeliverBlocked
    \/ ProbeGuard
    \/ CaughtUpGuard
    \/ RepairEnabled
    \/ Resume /\ Running /\ ~resumed
    \/ stopped

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ floor \in 0 .. head
    /\ deleteRev \in {Null} \cup 1 .. head
    /\ frontier \in 0 .. MaxRev + 1
    /\ foldHasKey \in BOOLEAN
    /\ tripped \in BOOLEAN
    /\ out \subseteq 1 .. head
    /\ pos \in 0 .. head
    /\ snapEnd \in 0 .. head
    /\ last \in 0 .. head
    /\ started \in BOOLEAN
    /\ caught \in BOOLEAN
    /\ {stopped, resumed, expired, behind} \subseteq BOOLEAN

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

\* sometimes (filtered, advance): "the frontier advances past revisions never delivered, on a caught-up proof"
FrontierAdvances == ~tripped /\ frontier > pos
NeverFrontierAdvances == ~FrontierAdvances

\* sometimes (state-sync, unguarded): "HAZARD reachable: the snapshot phase loses an evicted marker"
HazardSnapshotPhase == HazardPermanentSilentDivergence /\ deleteRev <= snapEnd
NeverHazardSnapshotPhase == ~HazardSnapshotPhase

\* sometimes (state-sync, unguarded): "HAZARD reachable: the live phase of a state-sync watch loses an evicted marker"
HazardLivePhase == HazardPermanentSilentDivergence /\ deleteRev > snapEnd
NeverHazardLivePhase == ~HazardLivePhase

\* sometimes (supersession only): "supersession alone moves the first sequence past the frontier, and no trip follows"
SupersededPastFrontier == ~tripped /\ floor > frontier
NeverSupersededPastFrontier == ~SupersededPastFrontier

\* sometimes (resume, no limit): "a resume behind the first sequence goes on without a resync"
ResumedBehind == behind /\ ~expired
NeverResumedBehind == ~ResumedBehind

\* sometimes (resume, a limit): "the resume check refuses a cursor behind the first sequence and the resync repairs the fold"
ResumeRefused == expired /\ foldHasKey = BucketHasKey
NeverResumeRefused == ~ResumeRefused

=============================================================================
