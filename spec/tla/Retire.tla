------------------------------- MODULE Retire -------------------------------
(***************************************************************************)
(* Retiring a re-created bucket's earlier incarnations (PruneRetired of    *)
(* impl/transport), exactly as the Go model model/retire runs it.          *)
(*                                                                         *)
(* Three incarnations: 0 is old (a stale exporter still folds it), 1 is    *)
(* live at the start, 2 may be created during the run.  Creation times     *)
(* come from the server's clock and may go back once: 0 at 2, 1 at 3 or 1, *)
(* 2 above every earlier time or (if the clock has not gone back) at 1.    *)
(* Each incarnation has its own pointer key with Slots payloads ("none",   *)
(* "young", "aged", "gone"), a pointer naming one (slot+1, 0 = none) and a *)
(* version.  Actors: a live exporter (uploads into the key of the          *)
(* incarnation the bucket reports as live, then publishes there); a stale  *)
(* exporter (old key); a pruner (reads the live creation time from the     *)
(* bucket, then applies the kernels to payloads and pointers in any order; *)
(* a pointer delete is a version read, a listing, a compare-and-swap); an  *)
(* importer (reads a pointer, then fetches the payload it names).  The     *)
(* grace is abstracted: a young payload ages only when no importer holds a *)
(* read naming it, no exporter is about to publish it, and it was not      *)
(* uploaded during the current prune.                                      *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Third,       \* the third incarnation may be created
    MaxUploads,  \* uploads per exporter
    MaxPrunes,   \* pruner rounds
    MaxReads,    \* importer pointer reads
    Mode,        \* "Shipped" | "LiveFromFold" | "NoCAS"
    Mutation     \* "none" | "RetireEqualCreated" | "IgnoreAgedOut" | "PointerWithPayloads"

ASSUME Third \in BOOLEAN
ASSUME MaxUploads \in Nat /\ MaxPrunes \in Nat /\ MaxReads \in Nat
ASSUME Mode \in {"Shipped", "LiveFromFold", "NoCAS"}
ASSUME Mutation \in {"none", "RetireEqualCreated", "IgnoreAgedOut", "PointerWithPayloads"}

Incs == 0..2
Slots == 0..1
Exporters == 0..1   \* 0 the live exporter, 1 the stale one

VARIABLES
    created,     \* each incarnation's creation time (0 = not created)
    live,        \* the incarnation the bucket reports as live
    ptr,         \* the slot each key's pointer names (+1; 0 = none)
    ver,         \* each pointer's version
    pay,         \* each payload's state
    fresh,       \* uploaded while the current prune runs
    expKey,      \* each exporter's upload not yet published: its key (+1; 0 = none)
    expSlot,     \* and its slot
    pruning,     \* the pruner is between ReadLive and Finish
    prunes,      \* prunes started
    plive,       \* the live creation time the pruner read (0 = none)
    ptrKey,      \* the key whose pointer delete is under way (+1; 0 = none)
    ptrVer,      \* the version it read
    ptrListed,   \* the key's payloads were listed
    ptrLeft,     \* the listing found a payload
    impKey,      \* the importer's pointer read not yet fetched: key (+1)
    impSlot,     \* and slot (+1)
    reads,       \* importer reads
    out,         \* the last import outcome: 0 none, 1 exact, 2 missing, 3 no pointer
    orphan,      \* a pointer was deleted while the payload it named was stored
    seenPay,     \* an earlier incarnation's payload was retired
    seenPtr,     \* an earlier incarnation's pointer was retired
    seenRefused  \* a pointer delete the kernel allowed was refused by the swap

vars == <<created, live, ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive,
          ptrKey, ptrVer, ptrListed, ptrLeft, impKey, impSlot, reads, out, orphan,
          seenPay, seenPtr, seenRefused>>

-----------------------------------------------------------------------------
(* Kernels (protocol/retire.go).                                           *)

RetiredPayloadPrunable(c, l, aged) ==
    CASE Mutation = "RetireEqualCreated" -> c > 0 /\ l > 0 /\ c <= l /\ aged
      [] Mutation = "IgnoreAgedOut" -> c > 0 /\ l > 0 /\ c < l
      [] OTHER -> c > 0 /\ l > 0 /\ c < l /\ aged

RetiredPointerDeletable(c, l, left) ==
    IF Mutation = "PointerWithPayloads" THEN c > 0 /\ l > 0 /\ c < l
    ELSE c > 0 /\ l > 0 /\ c < l /\ ~left

\* The kernels' unit pins (protocol/retire_test.go), for the shipped kernels.
ASSUME Mutation = "none" =>
    /\ RetiredPayloadPrunable(5, 7, TRUE) = TRUE
    /\ RetiredPayloadPrunable(5, 7, FALSE) = FALSE
    /\ RetiredPayloadPrunable(7, 7, TRUE) = FALSE
    /\ RetiredPayloadPrunable(9, 7, TRUE) = FALSE
    /\ RetiredPayloadPrunable(0, 7, TRUE) = FALSE
    /\ RetiredPayloadPrunable(-1, 7, TRUE) = FALSE
    /\ RetiredPayloadPrunable(5, 0, TRUE) = FALSE
    /\ RetiredPayloadPrunable(5, -3, TRUE) = FALSE
    /\ RetiredPayloadPrunable(1, 2, TRUE) = TRUE
    /\ RetiredPointerDeletable(5, 7, FALSE) = TRUE
    /\ RetiredPointerDeletable(5, 7, TRUE) = FALSE
    /\ RetiredPointerDeletable(7, 7, FALSE) = FALSE
    /\ RetiredPointerDeletable(9, 7, FALSE) = FALSE
    /\ RetiredPointerDeletable(0, 7, FALSE) = FALSE
    /\ RetiredPointerDeletable(5, 0, FALSE) = FALSE

-----------------------------------------------------------------------------

Max(a, b) == IF a >= b THEN a ELSE b
Stored(p) == p \in {"young", "aged"}

WentBack == \E i, j \in Incs : i < j /\ created[j] # 0 /\ created[j] < created[i]

\* The key exporter e uploads into.
Target(e) == IF e = 0 THEN live ELSE 0

UsedIn(i) == Cardinality({j \in Slots : pay[i][j] # "none"})
Uploads(e) == IF e = 1 THEN UsedIn(0) - 1 ELSE UsedIn(1) - 1 + UsedIn(2)

FreeSlots(k) == {j \in Slots : pay[k][j] = "none"}
FirstFree(k) == CHOOSE j \in FreeSlots(k) : \A x \in FreeSlots(k) : j <= x

Ageable(i, j) ==
    /\ pay[i][j] = "young"
    /\ ~fresh[i][j]
    /\ ~(impKey = i + 1 /\ impSlot = j + 1)
    /\ \A e \in Exporters : ~(expKey[e] = i + 1 /\ expSlot[e] = j)

NoFresh == [i \in Incs |-> [j \in Slots |-> FALSE]]

Init ==
    /\ created \in {[i \in Incs |-> CASE i = 0 -> 2 [] i = 1 -> c [] OTHER -> 0] : c \in {3, 1}}
    /\ live = 1
    /\ ptr = [i \in Incs |-> IF i < 2 THEN 1 ELSE 0]
    /\ ver = [i \in Incs |-> IF i < 2 THEN 1 ELSE 0]
    /\ pay = [i \in Incs |-> [j \in Slots |-> IF i < 2 /\ j = 0 THEN "young" ELSE "none"]]
    /\ fresh = NoFresh
    /\ expKey = [e \in Exporters |-> 0]
    /\ expSlot = [e \in Exporters |-> 0]
    /\ pruning = FALSE
    /\ prunes = 0
    /\ plive = 0
    /\ ptrKey = 0
    /\ ptrVer = 0
    /\ ptrListed = FALSE
    /\ ptrLeft = FALSE
    /\ impKey = 0
    /\ impSlot = 0
    /\ reads = 0
    /\ out = 0
    /\ orphan = FALSE
    /\ seenPay = FALSE
    /\ seenPtr = FALSE
    /\ seenRefused = FALSE

\* The bucket is re-created: forward (above every earlier creation time) or, once, back to 1.
Recreate ==
    /\ Third
    /\ created[2] = 0
    /\ \/ created' = [created EXCEPT ![2] = Max(created[0], created[1]) + 1]
       \/ ~WentBack /\ created' = [created EXCEPT ![2] = 1]
    /\ live' = 2
    /\ UNCHANGED <<ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive, ptrKey, ptrVer,
                   ptrListed, ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr, seenRefused>>

Upload(e) ==
    LET k == Target(e) IN
    /\ expKey[e] = 0
    /\ Uploads(e) < MaxUploads
    /\ FreeSlots(k) # {}
    /\ pay' = [pay EXCEPT ![k][FirstFree(k)] = "young"]
    /\ fresh' = [fresh EXCEPT ![k][FirstFree(k)] = pruning]
    /\ expKey' = [expKey EXCEPT ![e] = k + 1]
    /\ expSlot' = [expSlot EXCEPT ![e] = FirstFree(k)]
    /\ UNCHANGED <<created, live, ptr, ver, pruning, prunes, plive, ptrKey, ptrVer, ptrListed,
                   ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr, seenRefused>>

Publish(e) ==
    LET k == expKey[e] - 1 IN
    /\ expKey[e] # 0
    /\ ptr' = [ptr EXCEPT ![k] = expSlot[e] + 1]
    /\ ver' = [ver EXCEPT ![k] = ver[k] + 1]
    /\ expKey' = [expKey EXCEPT ![e] = 0]
    /\ expSlot' = [expSlot EXCEPT ![e] = 0]
    /\ UNCHANGED <<created, live, pay, fresh, pruning, prunes, plive, ptrKey, ptrVer, ptrListed,
                   ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr, seenRefused>>

Age(i, j) ==
    /\ Ageable(i, j)
    /\ pay' = [pay EXCEPT ![i][j] = "aged"]
    /\ UNCHANGED <<created, live, ptr, ver, fresh, expKey, expSlot, pruning, prunes, plive, ptrKey,
                   ptrVer, ptrListed, ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr,
                   seenRefused>>

\* The pruner reads the live incarnation's creation time: from the bucket, or (LiveFromFold)
\* from the stale exporter's fold, the old incarnation.
ReadLive ==
    /\ ~pruning
    /\ prunes < MaxPrunes
    /\ pruning' = TRUE
    /\ prunes' = prunes + 1
    /\ plive' = IF Mode = "LiveFromFold" THEN created[0] ELSE created[live]
    /\ UNCHANGED <<created, live, ptr, ver, pay, fresh, expKey, expSlot, ptrKey, ptrVer, ptrListed,
                   ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr, seenRefused>>

PrunePayload(i, j) ==
    /\ pruning
    /\ Stored(pay[i][j])
    /\ RetiredPayloadPrunable(created[i], plive, pay[i][j] = "aged")
    /\ pay' = [pay EXCEPT ![i][j] = "gone"]
    /\ seenPay' = TRUE
    /\ UNCHANGED <<created, live, ptr, ver, fresh, expKey, expSlot, pruning, prunes, plive, ptrKey,
                   ptrVer, ptrListed, ptrLeft, impKey, impSlot, reads, out, orphan, seenPtr,
                   seenRefused>>

\* A pointer delete starts by reading the pointer's version (only for a key that would go
\* if it were empty: the lock is spared otherwise).
PtrRead(i) ==
    /\ pruning
    /\ ptrKey = 0
    /\ ptr[i] # 0
    /\ RetiredPointerDeletable(created[i], plive, FALSE)
    /\ ptrKey' = i + 1
    /\ ptrVer' = ver[i]
    /\ UNCHANGED <<created, live, ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive,
                   ptrListed, ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr,
                   seenRefused>>

PtrList ==
    /\ pruning
    /\ ptrKey # 0
    /\ ~ptrListed
    /\ ptrListed' = TRUE
    /\ ptrLeft' = \E j \in Slots : Stored(pay[ptrKey - 1][j])
    /\ UNCHANGED <<created, live, ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive,
                   ptrKey, ptrVer, impKey, impSlot, reads, out, orphan, seenPay, seenPtr,
                   seenRefused>>

\* The kernel on the listing, then a compare-and-swap on the version read (NoCAS: none).
PtrDelete ==
    LET k == ptrKey - 1
        ok == RetiredPointerDeletable(created[k], plive, ptrLeft)
        swap == ok /\ ptr[k] # 0 /\ (ver[k] = ptrVer \/ Mode = "NoCAS") IN
    /\ pruning
    /\ ptrKey # 0
    /\ ptrListed
    /\ ptrKey' = 0
    /\ ptrVer' = 0
    /\ ptrListed' = FALSE
    /\ ptrLeft' = FALSE
    /\ ptr' = IF swap THEN [ptr EXCEPT ![k] = 0] ELSE ptr
    /\ ver' = IF swap THEN [ver EXCEPT ![k] = ver[k] + 1] ELSE ver
    /\ orphan' = (orphan \/ (swap /\ Stored(pay[k][ptr[k] - 1])))
    /\ seenPtr' = (seenPtr \/ swap)
    /\ seenRefused' = (seenRefused \/ (ok /\ ~swap /\ ver[k] # ptrVer))
    /\ UNCHANGED <<created, live, pay, fresh, expKey, expSlot, pruning, prunes, plive, impKey,
                   impSlot, reads, out, seenPay>>

Finish ==
    /\ pruning
    /\ ptrKey = 0
    /\ pruning' = FALSE
    /\ plive' = 0
    /\ fresh' = NoFresh
    /\ UNCHANGED <<created, live, ptr, ver, pay, expKey, expSlot, prunes, ptrKey, ptrVer, ptrListed,
                   ptrLeft, impKey, impSlot, reads, out, orphan, seenPay, seenPtr, seenRefused>>

ImportRead(i) ==
    /\ impKey = 0
    /\ reads < MaxReads
    /\ created[i] # 0
    /\ reads' = reads + 1
    /\ IF ptr[i] = 0
         THEN /\ out' = 3
              /\ UNCHANGED <<impKey, impSlot>>
         ELSE /\ impKey' = i + 1
              /\ impSlot' = ptr[i]
              /\ UNCHANGED out
    /\ UNCHANGED <<created, live, ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive,
                   ptrKey, ptrVer, ptrListed, ptrLeft, orphan, seenPay, seenPtr, seenRefused>>

ImportFetch ==
    /\ impKey # 0
    /\ out' = IF Stored(pay[impKey - 1][impSlot - 1]) THEN 1 ELSE 2
    /\ impKey' = 0
    /\ impSlot' = 0
    /\ UNCHANGED <<created, live, ptr, ver, pay, fresh, expKey, expSlot, pruning, prunes, plive,
                   ptrKey, ptrVer, ptrListed, ptrLeft, reads, orphan, seenPay, seenPtr, seenRefused>>

Next ==
    \/ Recreate
    \/ \E e \in Exporters : Upload(e) \/ Publish(e)
    \/ \E i \in Incs, j \in Slots : Age(i, j) \/ PrunePayload(i, j)
    \/ ReadLive
    \/ \E i \in Incs : PtrRead(i)
    \/ PtrList
    \/ PtrDelete
    \/ Finish
    \/ \E i \in Incs : ImportRead(i)
    \/ ImportFetch

Spec == Init /\ [][Next]_vars

PayStates == {"none", "young", "aged", "gone"}

TypeOK ==
    /\ created \in [Incs -> 0..4]
    /\ live \in Incs
    /\ ptr \in [Incs -> 0..2]
    /\ ver \in [Incs -> 0..8]
    /\ pay \in [Incs -> [Slots -> PayStates]]
    /\ fresh \in [Incs -> [Slots -> BOOLEAN]]
    /\ expKey \in [Exporters -> 0..3]
    /\ expSlot \in [Exporters -> Slots]
    /\ prunes \in 0..MaxPrunes
    /\ plive \in 0..4
    /\ ptrKey \in 0..3
    /\ impKey \in 0..3
    /\ impSlot \in 0..2
    /\ reads \in 0..MaxReads
    /\ {pruning, ptrListed, ptrLeft, orphan, seenPay, seenPtr, seenRefused} \subseteq BOOLEAN

-----------------------------------------------------------------------------
(* Properties (each comment quotes the Go checker's name exactly).         *)

\* always: "nothing of the live incarnation is deleted while it is live (its pointer's target is fetchable)"
LiveKept ==
    /\ \A j \in Slots : pay[live][j] # "gone"
    /\ ptr[live] = 0 \/ Stored(pay[live][ptr[live] - 1])

\* always: "an importer gets exactly the payload its pointer named or detects a missing payload or pointer"
ImportExact == out \in 0..3

\* always: "an earlier incarnation's pointer is deleted only after the payload it names"
PointerLast == ~orphan

\* sometimes: "an earlier incarnation's payload is retired"
PayloadRetired == seenPay
NeverPayloadRetired == ~PayloadRetired

\* sometimes: "an earlier incarnation's pointer is retired"
PointerRetired == seenPtr
NeverPointerRetired == ~PointerRetired

\* sometimes: "an importer racing the retirement detects the missing payload"
ReaderDetects == out = 2
NeverReaderDetects == ~ReaderDetects

\* sometimes: "a stale exporter's publish into a retired key makes the pointer delete refuse"
StalePublishWon == seenRefused
NeverStalePublishWon == ~StalePublishWon

=============================================================================
