----------------------------- MODULE WatchStall -----------------------------
(***************************************************************************)
(* The stall detector of a watch (impl/natsstore, stall.go), exactly as    *)
(* the Go model model/watchstall runs it.                                  *)
(*                                                                         *)
(* A consumer may keep answering heartbeats yet stop delivering: it lost a *)
(* delivery that never arrives (the last one, so nothing after it shows    *)
(* the gap) or it is paused.  At each backstop probe the watch asks the    *)
(* stream whether it holds a record in the watch's scope after the last    *)
(* revision received ("behind"); WatchStall declares a stall only when two *)
(* probes at least a window apart both found it behind with nothing        *)
(* received in between.  A stream of at most MaxWrites writes, in scope or *)
(* on another key; a clock 0..MaxTime; a probe every Period ticks, forced  *)
(* (the clock does not pass a probe tick before its probe ran); a window   *)
(* of Window ticks.  A stalled watch has ended: nothing further happens.   *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    MaxTime,    \* the clock's last tick (it starts at 0)
    MaxWrites,  \* the stream's writes
    Window,     \* the stall window, in ticks
    Period,     \* the probe period, in ticks (>= 1)
    Mode,       \* "Shipped" | "BehindByLast"
    Mutation    \* "none" | "NoReset" | "NoWindow" | "ForgetStreak"

ASSUME MaxTime \in Nat /\ MaxWrites \in Nat /\ Window \in Nat /\ Period \in Nat \ {0}
ASSUME Mode \in {"Shipped", "BehindByLast"}
ASSUME Mutation \in {"none", "NoReset", "NoWindow", "ForgetStreak"}

VARIABLES
    now,       \* the clock
    probed,    \* this tick's probe ran
    seq,       \* the stream's last sequence
    inLast,    \* the last record in the watch's scope (0 = none)
    out,       \* the sequences written on another key
    pos,       \* the consumer's position
    recv,      \* the last revision the watch received
    count,     \* the messages the watch received
    lost,      \* the consumer dropped a delivery the watch never received
    paused,    \* the consumer is paused
    quiet,     \* the tick since which the watch is behind receiving nothing (0 when not behind)
    sOpen,     \* the kernel's streak: open,
    sSince,    \* since when,
    sRecv,     \* the receipt count then
    stalled    \* the watch was declared stalled and ended

vars == <<now, probed, seq, inLast, out, pos, recv, count, lost, paused, quiet, sOpen, sSince, sRecv, stalled>>

-----------------------------------------------------------------------------
(* The kernel (protocol/watchstall.go) and its mutants.  A streak is       *)
(* <<open, since, received>>; the result appends the stall decision.       *)

Max(a, b) == IF a >= b THEN a ELSE b

ShippedStall(st, behind, received, n, w) ==
    IF ~behind THEN <<FALSE, 0, 0, FALSE>>
    ELSE IF ~st[1] \/ st[3] # received THEN <<TRUE, n, received, FALSE>>
    ELSE <<st[1], st[2], st[3], n > st[2] /\ n - st[2] >= w>>

WatchStall(st, behind, received, n, w) ==
    CASE Mutation = "none" -> ShippedStall(st, behind, received, n, w)
      [] Mutation = "NoReset" -> ShippedStall(st, behind, 0, n, w)
      [] Mutation = "NoWindow" ->
            LET r == ShippedStall(st, behind, received, n, w) IN <<r[1], r[2], r[3], r[4] \/ behind>>
      [] Mutation = "ForgetStreak" ->
            LET r == ShippedStall(<<FALSE, 0, 0>>, behind, received, n, w) IN <<r[1], r[2], r[3], FALSE>>

\* The kernel's unit pins (protocol/watchstall_test.go, window 10), for the shipped kernel.
ASSUME Mutation = "none" =>
    /\ WatchStall(<<FALSE, 0, 0>>, FALSE, 7, 100, 10) = <<FALSE, 0, 0, FALSE>>
    /\ WatchStall(<<TRUE, 50, 7>>, FALSE, 7, 100, 10) = <<FALSE, 0, 0, FALSE>>
    /\ WatchStall(<<FALSE, 0, 0>>, TRUE, 7, 100, 10) = <<TRUE, 100, 7, FALSE>>
    /\ WatchStall(<<TRUE, 50, 7>>, TRUE, 8, 100, 10) = <<TRUE, 100, 8, FALSE>>
    /\ WatchStall(<<TRUE, 50, 7>>, TRUE, 0, 100, 10) = <<TRUE, 100, 0, FALSE>>
    /\ WatchStall(<<TRUE, 95, 7>>, TRUE, 7, 100, 10) = <<TRUE, 95, 7, FALSE>>
    /\ WatchStall(<<TRUE, 91, 7>>, TRUE, 7, 100, 10) = <<TRUE, 91, 7, FALSE>>
    /\ WatchStall(<<TRUE, 90, 7>>, TRUE, 7, 100, 10) = <<TRUE, 90, 7, TRUE>>
    /\ WatchStall(<<TRUE, 10, 7>>, TRUE, 7, 100, 10) = <<TRUE, 10, 7, TRUE>>
    /\ WatchStall(<<TRUE, 200, 7>>, TRUE, 7, 100, 10) = <<TRUE, 200, 7, FALSE>>

-----------------------------------------------------------------------------

Behind == inLast > recv

\* The next record in scope after the consumer's position (0 = none).
Pending == {r \in (pos + 1)..seq : r \notin out}
NextRec == IF Pending = {} THEN 0 ELSE CHOOSE r \in Pending : \A q \in Pending : r <= q

ProbeTick == now % Period = 0

Init ==
    /\ now = 0
    /\ probed = FALSE
    /\ seq = 0
    /\ inLast = 0
    /\ out = {}
    /\ pos = 0
    /\ recv = 0
    /\ count = 0
    /\ lost = FALSE
    /\ paused = FALSE
    /\ quiet = 0
    /\ sOpen = FALSE
    /\ sSince = 0
    /\ sRecv = 0
    /\ stalled = FALSE

\* A write in the watch's scope; a watch that had everything is behind from now.
WriteIn ==
    /\ ~stalled
    /\ seq < MaxWrites
    /\ seq' = seq + 1
    /\ inLast' = seq + 1
    /\ quiet' = IF Behind THEN quiet ELSE now
    /\ UNCHANGED <<now, probed, out, pos, recv, count, lost, paused, sOpen, sSince, sRecv, stalled>>

\* A write of another key: the stream's last sequence moves, the last record in scope does not.
WriteOut ==
    /\ ~stalled
    /\ seq < MaxWrites
    /\ seq' = seq + 1
    /\ out' = out \cup {seq + 1}
    /\ UNCHANGED <<now, probed, inLast, pos, recv, count, lost, paused, quiet, sOpen, sSince, sRecv, stalled>>

Deliver ==
    /\ ~stalled
    /\ ~paused
    /\ NextRec # 0
    /\ pos' = NextRec
    /\ recv' = Max(recv, NextRec)
    /\ count' = count + 1
    /\ quiet' = IF inLast > Max(recv, NextRec) THEN now ELSE 0
    /\ UNCHANGED <<now, probed, seq, inLast, out, lost, paused, sOpen, sSince, sRecv, stalled>>

\* The consumer drops the next delivery: its position moves past a record never received.
Lose ==
    /\ ~stalled
    /\ ~paused
    /\ ~lost
    /\ NextRec # 0
    /\ pos' = NextRec
    /\ lost' = TRUE
    /\ UNCHANGED <<now, probed, seq, inLast, out, recv, count, paused, quiet, sOpen, sSince, sRecv, stalled>>

Pause ==
    /\ ~stalled
    /\ paused' = ~paused
    /\ UNCHANGED <<now, probed, seq, inLast, out, pos, recv, count, lost, quiet, sOpen, sSince, sRecv, stalled>>

\* The backstop probe: behind read from the stream, the decision the kernel's.
Probe ==
    /\ ~stalled
    /\ ProbeTick
    /\ ~probed
    /\ LET behind == IF Mode = "BehindByLast" THEN seq > recv ELSE Behind
           r == WatchStall(<<sOpen, sSince, sRecv>>, behind, count, now, Window)
       IN /\ sOpen' = r[1]
          /\ sSince' = r[2]
          /\ sRecv' = r[3]
          /\ stalled' = r[4]
    /\ probed' = TRUE
    /\ UNCHANGED <<now, seq, inLast, out, pos, recv, count, lost, paused, quiet>>

Tick ==
    /\ ~stalled
    /\ now < MaxTime
    /\ probed \/ ~ProbeTick
    /\ now' = now + 1
    /\ probed' = FALSE
    /\ UNCHANGED <<seq, inLast, out, pos, recv, count, lost, paused, quiet, sOpen, sSince, sRecv, stalled>>

Next == WriteIn \/ WriteOut \/ Deliver \/ Lose \/ Pause \/ Probe \/ Tick

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards (Pause toggles, so it is enabled in every state of a
\* running watch); GuardsMatchEnabled checks it against TLC's ENABLED Next.
EnabledAny == ~stalled

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ now \in 0..MaxTime
    /\ {probed, lost, paused, sOpen, stalled} \subseteq BOOLEAN
    /\ seq \in 0..MaxWrites
    /\ inLast \in 0..seq
    /\ out \subseteq 1..seq
    /\ pos \in 0..seq
    /\ recv \in 0..pos
    /\ count \in 0..MaxWrites
    /\ quiet \in 0..MaxTime
    /\ sSince \in 0..MaxTime
    /\ sRecv \in 0..MaxWrites

-----------------------------------------------------------------------------
(* Properties (each comment quotes the Go checker's name exactly).         *)

\* always: "a watch is declared stalled only after a full window behind its scope with nothing received"
NoFalseStall == stalled => (Behind /\ now >= quiet + Window)

\* always: "a watch behind its scope with nothing received for a window plus two probe periods is declared stalled"
StallDetected == stalled \/ ~Behind \/ now < quiet + Window + 2 * Period

\* sometimes: "a lost last delivery is detected: the consumer has nothing left to deliver and the watch is declared stalled"
LostDetected == stalled /\ lost /\ ~paused /\ NextRec = 0
NeverLostDetected == ~LostDetected

\* sometimes: "a paused consumer's watch is declared stalled"
PausedDetected == stalled /\ paused /\ ~lost
NeverPausedDetected == ~PausedDetected

=============================================================================
