------------------------------- MODULE Expiry -------------------------------
(***************************************************************************)
(* Keys removed by age beside the watch loop of applied.Run, exactly as    *)
(* the Go model model/expiry runs it.                                      *)
(*                                                                         *)
(* The server removes a key's last record by age (MaxAge or a per-key      *)
(* TTL); with subject delete markers on it writes a marker in its place,   *)
(* which the watch delivers as a purge.  The marker expires after the      *)
(* marker TTL from the middle of the stream, so a consumer down or lagging *)
(* for that long skips it unseen.  The fix: refuse buckets that age keys   *)
(* out without markers (ExpiryAdmit); keep a contact time, a time at which *)
(* everything the stream held was folded (the stamp of the last folded     *)
(* record, or the time the watch was seen caught up); resync whenever      *)
(* ExpiryContactLost says a marker may have expired unseen: on a resume,   *)
(* before folding a delivery, before refreshing the contact when caught    *)
(* up.  Two keys in a bucket keeping one record per key, a clock that      *)
(* ticks 1..MaxTime, a marker TTL of TTL ticks, MaxPuts writes and         *)
(* MaxCrashes crashes; the resync is atomic (its order is ResyncOrder's).  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    MaxTime,     \* the clock's last tick (it starts at 1)
    TTL,         \* the marker TTL, in ticks
    MaxPuts,     \* writes, of any key
    MaxCrashes,  \* consumer crashes
    Markers,     \* the bucket writes subject delete markers
    Mode,        \* "Shipped" | "NoFix" | "ContactAtReadTime" | "NoLiveCheck"
    Mutation     \* "none" | "AdmitWithoutMarkers" | "LostStrict" | "AdvanceOvershoot"

ASSUME MaxTime \in Nat /\ TTL \in Nat /\ MaxPuts \in Nat /\ MaxCrashes \in Nat
ASSUME Markers \in BOOLEAN
ASSUME Mode \in {"Shipped", "NoFix", "ContactAtReadTime", "NoLiveCheck"}
ASSUME Mutation \in {"none", "AdmitWithoutMarkers", "LostStrict", "AdvanceOvershoot"}

Keys == {1, 2}

VARIABLES
    now,       \* the clock
    puts,      \* writes so far
    head,      \* the stream's last sequence
    kSeq,      \* each key's record: its sequence (0 = none)
    kKind,     \* "none" | "put" | "marker"
    kTime,     \* its stream stamp (0 = none)
    fLive,     \* each key is in the fold
    frontier,  \* the fold's cursor
    contact,   \* the contact time
    up,        \* the consumer runs
    refused,   \* admission refused the bucket: the consumer never starts
    crashes,   \* crashes so far
    lostBy,    \* "none" | "down" | "lag": how a marker above the frontier last expired unseen
    how        \* "nothing" | "put" | "marker" | "resumeResync" | "liveResync": what last changed the fold

vars == <<now, puts, head, kSeq, kKind, kTime, fLive, frontier, contact, up, refused, crashes, lostBy, how>>

-----------------------------------------------------------------------------
(* Kernels (protocol/expiry.go).                                           *)

Max(a, b) == IF a >= b THEN a ELSE b
Min(a, b) == IF a <= b THEN a ELSE b

AdmitShipped(agesOut, markers, accept) ==
    IF ~agesOut THEN "none"
    ELSE IF markers THEN "guarded"
    ELSE IF accept THEN "unguarded"
    ELSE "refused"

ExpiryAdmit(agesOut, markers, accept) ==
    IF Mutation = "AdmitWithoutMarkers" THEN AdmitShipped(agesOut, TRUE, accept)
    ELSE AdmitShipped(agesOut, markers, accept)

ExpiryContactLost(c, n, ttl) ==
    IF c <= 0 \/ ttl <= 0 THEN TRUE
    ELSE IF Mutation = "LostStrict" THEN n - c > ttl
    ELSE IF n <= c THEN FALSE
    ELSE n - c >= ttl

ExpiryContactAdvance(c, e) ==
    IF Mutation = "AdvanceOvershoot" THEN Max(c, e) + 1 ELSE Max(c, e)

\* The kernels' unit pins (protocol/expiry_test.go), for the shipped kernels.
ASSUME Mutation = "none" =>
    /\ ExpiryAdmit(FALSE, FALSE, FALSE) = "none"
    /\ ExpiryAdmit(FALSE, TRUE, FALSE) = "none"
    /\ ExpiryAdmit(FALSE, FALSE, TRUE) = "none"
    /\ ExpiryAdmit(TRUE, TRUE, FALSE) = "guarded"
    /\ ExpiryAdmit(TRUE, TRUE, TRUE) = "guarded"
    /\ ExpiryAdmit(TRUE, FALSE, FALSE) = "refused"
    /\ ExpiryAdmit(TRUE, FALSE, TRUE) = "unguarded"
    /\ ExpiryContactLost(10, 11, 5) = FALSE
    /\ ExpiryContactLost(10, 14, 5) = FALSE
    /\ ExpiryContactLost(10, 15, 5) = TRUE
    /\ ExpiryContactLost(10, 40, 5) = TRUE
    /\ ExpiryContactLost(0, 1, 5) = TRUE
    /\ ExpiryContactLost(-3, 1, 5) = TRUE
    /\ ExpiryContactLost(10, 10, 0) = TRUE
    /\ ExpiryContactLost(10, 7, 5) = FALSE
    /\ ExpiryContactLost(10, 10, 5) = FALSE
    /\ ExpiryContactAdvance(5, 7) = 7
    /\ ExpiryContactAdvance(7, 5) = 7
    /\ ExpiryContactAdvance(0, 3) = 3
    /\ ExpiryContactAdvance(4, 4) = 4

-----------------------------------------------------------------------------

Guarded == Mode # "NoFix"
LiveCheck == Guarded /\ Mode # "NoLiveCheck"
RefusedAtStart == Guarded /\ ExpiryAdmit(TRUE, Markers, FALSE) = "refused"

Lost == ExpiryContactLost(contact, now, TTL)
\* The contact kernel's answer, clamped to the clock's range (a mutant may overshoot).
Advanced(e) == Min(ExpiryContactAdvance(contact, e), MaxTime)

Pending == {i \in Keys : kSeq[i] > frontier}
NextKey == CHOOSE i \in Pending : \A j \in Pending : kSeq[i] <= kSeq[j]

Agrees == \A i \in Keys : fLive[i] = (kKind[i] = "put")

Init ==
    /\ now = 1
    /\ puts = 0
    /\ head = 0
    /\ kSeq = [i \in Keys |-> 0]
    /\ kKind = [i \in Keys |-> "none"]
    /\ kTime = [i \in Keys |-> 0]
    /\ fLive = [i \in Keys |-> FALSE]
    /\ frontier = 0
    /\ contact = 1
    /\ up = ~RefusedAtStart
    /\ refused = RefusedAtStart
    /\ crashes = 0
    /\ lostBy = "none"
    /\ how = "nothing"

\* The key-diff resync: the fold takes the bucket, the cursor the head, the contact now.
Resync(h) ==
    /\ fLive' = [i \in Keys |-> kKind[i] = "put"]
    /\ frontier' = head
    /\ contact' = now
    /\ how' = h

\* A write of key i, stamped now.
Put(i) ==
    /\ puts < MaxPuts
    /\ puts' = puts + 1
    /\ head' = head + 1
    /\ kSeq' = [kSeq EXCEPT ![i] = head + 1]
    /\ kKind' = [kKind EXCEPT ![i] = "put"]
    /\ kTime' = [kTime EXCEPT ![i] = now]
    /\ UNCHANGED <<now, fLive, frontier, contact, up, refused, crashes, lostBy, how>>

\* Key i's put removed by age; a marker stamped now in its place when markers are on.
AgeOut(i) ==
    /\ kKind[i] = "put"
    /\ IF Markers
         THEN /\ head' = head + 1
              /\ kSeq' = [kSeq EXCEPT ![i] = head + 1]
              /\ kKind' = [kKind EXCEPT ![i] = "marker"]
              /\ kTime' = [kTime EXCEPT ![i] = now]
         ELSE /\ head' = head
              /\ kSeq' = [kSeq EXCEPT ![i] = 0]
              /\ kKind' = [kKind EXCEPT ![i] = "none"]
              /\ kTime' = [kTime EXCEPT ![i] = 0]
    /\ UNCHANGED <<now, puts, fLive, frontier, contact, up, refused, crashes, lostBy, how>>

\* Key i's marker removed once its TTL has passed.
ExpireMarker(i) ==
    /\ kKind[i] = "marker"
    /\ now >= kTime[i] + TTL
    /\ kSeq' = [kSeq EXCEPT ![i] = 0]
    /\ kKind' = [kKind EXCEPT ![i] = "none"]
    /\ kTime' = [kTime EXCEPT ![i] = 0]
    /\ lostBy' = IF kSeq[i] > frontier THEN (IF up THEN "lag" ELSE "down") ELSE lostBy
    /\ UNCHANGED <<now, puts, head, fLive, frontier, contact, up, refused, crashes, how>>

Tick ==
    /\ now < MaxTime
    /\ now' = now + 1
    /\ UNCHANGED <<puts, head, kSeq, kKind, kTime, fLive, frontier, contact, up, refused, crashes, lostBy, how>>

Crash ==
    /\ up
    /\ crashes < MaxCrashes
    /\ up' = FALSE
    /\ crashes' = crashes + 1
    /\ UNCHANGED <<now, puts, head, kSeq, kKind, kTime, fLive, frontier, contact, refused, lostBy, how>>

\* A restart: a resync when the contact is lost, else the watch resumes at the cursor.
Resume ==
    /\ ~up
    /\ ~refused
    /\ up' = TRUE
    /\ IF Guarded /\ Lost
         THEN Resync("resumeResync")
         ELSE UNCHANGED <<fLive, frontier, contact, how>>
    /\ UNCHANGED <<now, puts, head, kSeq, kKind, kTime, refused, crashes, lostBy>>

\* The watch delivers the lowest record above the frontier, after checking the contact.
Deliver ==
    /\ up
    /\ Pending # {}
    /\ IF LiveCheck /\ Lost
         THEN Resync("liveResync")
         ELSE LET i == NextKey IN
              /\ fLive' = [fLive EXCEPT ![i] = kKind[i] = "put"]
              /\ frontier' = kSeq[i]
              /\ how' = IF kKind[i] = "marker" THEN "marker" ELSE "put"
              /\ contact' = IF ~Guarded THEN contact
                            ELSE Advanced(IF Mode = "ContactAtReadTime" THEN now ELSE kTime[i])
    /\ UNCHANGED <<now, puts, head, kSeq, kKind, kTime, up, refused, crashes, lostBy>>

\* Nothing above the frontier: refresh the contact to now, or resync when it is lost.
CaughtUp ==
    /\ up
    /\ Pending = {}
    /\ Guarded
    /\ contact # now
    /\ IF LiveCheck /\ Lost
         THEN Resync("liveResync")
         ELSE /\ contact' = Advanced(now)
              /\ UNCHANGED <<fLive, frontier, how>>
    /\ UNCHANGED <<now, puts, head, kSeq, kKind, kTime, up, refused, crashes, lostBy>>

Next ==
    \/ \E i \in Keys : Put(i)
    \/ \E i \in Keys : AgeOut(i)
    \/ \E i \in Keys : ExpireMarker(i)
    \/ Tick
    \/ Crash
    \/ Resume
    \/ Deliver
    \/ CaughtUp

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of the guards; GuardsMatchEnabled checks it
\* against TLC's ENABLED Next.
EnabledAny ==
    \/ puts < MaxPuts
    \/ \E i \in Keys : kKind[i] = "put"
    \/ \E i \in Keys : kKind[i] = "marker" /\ now >= kTime[i] + TTL
    \/ now < MaxTime
    \/ up /\ crashes < MaxCrashes
    \/ ~up /\ ~refused
    \/ up /\ Pending # {}
    \/ up /\ Pending = {} /\ Guarded /\ contact # now

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ now \in 1..MaxTime
    /\ puts \in 0..MaxPuts
    /\ head \in 0..(2 * MaxPuts)
    /\ kSeq \in [Keys -> 0..(2 * MaxPuts)]
    /\ kKind \in [Keys -> {"none", "put", "marker"}]
    /\ kTime \in [Keys -> 0..MaxTime]
    /\ fLive \in [Keys -> BOOLEAN]
    /\ frontier \in 0..(2 * MaxPuts)
    /\ contact \in 0..MaxTime
    /\ {up, refused} \subseteq BOOLEAN
    /\ crashes \in 0..MaxCrashes
    /\ lostBy \in {"none", "down", "lag"}
    /\ how \in {"nothing", "put", "marker", "resumeResync", "liveResync"}

-----------------------------------------------------------------------------
(* Properties (each comment quotes the Go checker's name exactly).         *)

\* always: "every maximal run ends with the fold equal to the bucket, or the fold refused"
TerminalConverges == EnabledAny \/ refused \/ Agrees

\* sometimes: "an aged-out key's marker is folded as a delete"
MarkerFolded == how = "marker" /\ Agrees
NeverMarkerFolded == ~MarkerFolded

\* sometimes: "a resume after a marker expired in the downtime resyncs the fold"
DownResync == how = "resumeResync" /\ lostBy = "down" /\ Agrees
NeverDownResync == ~DownResync

\* sometimes: "a watch that lagged past a marker's expiry resyncs the fold"
LagResync == how = "liveResync" /\ lostBy = "lag" /\ Agrees
NeverLagResync == ~LagResync

\* sometimes: "a bucket that ages keys out without markers is refused"
BucketRefused == refused
NeverBucketRefused == ~BucketRefused

\* sometimes (NoFix, no markers): "HAZARD reachable: without markers an aged-out key stays in the fold forever"
HazardNoMarkers == ~EnabledAny /\ ~Agrees
NeverHazardNoMarkers == ~HazardNoMarkers

\* sometimes (NoFix, markers): "HAZARD reachable: a marker outlived by the consumer's downtime leaves the key in the fold forever"
HazardOutlived == ~EnabledAny /\ ~Agrees /\ lostBy = "down"
NeverHazardOutlived == ~HazardOutlived

\* sometimes (NoFix, markers): "HAZARD reachable: a marker outlived by a lagging watch leaves the key in the fold forever"
HazardLagged == ~EnabledAny /\ ~Agrees /\ lostBy = "lag"
NeverHazardLagged == ~HazardLagged

=============================================================================
