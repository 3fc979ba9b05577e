---------------------------- MODULE ExportImport ----------------------------
(***************************************************************************)
(* The snapshot export/import protocol of Slipstream, exactly as the Go    *)
(* model model/exportimport runs it.                                      *)
(*                                                                         *)
(* N uncoordinated exporters (no lease: a superset of every lease          *)
(* behaviour) each fold the bucket, export an artifact, upload it and      *)
(* publish it; a pruner collects payloads; one importer bootstraps from    *)
(* the published artifact and resumes the watch.  The artifact's identity  *)
(* stands for its bytes (BLAKE3 collision resistance).                     *)
(*                                                                         *)
(* Layout "Shipped" = content-addressed write-once payloads + a monotone   *)
(* pointer published through PointerPublishAllowed and a conditional put. *)
(* Layout "Legacy"  = two last-write-wins registers (payload, manifest).   *)
(*                                                                         *)
(* Mutation selects one of the three protocol-rule mutations or           *)
(* one of the Go model's kernel mutations (a broken kernel swapped in).    *)
(*                                                                         *)
(* Canonical encoding (the distinct-state count must equal the Go          *)
(* checker's): every variant's unused fields hold the fixed value Null;    *)
(* `payload` stays Null forever under Shipped and `uploaded` stays {}      *)
(* under Legacy.                                                           *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    N,          \* number of exporters (2 default, 3 deep)
    MaxRev,     \* highest bucket revision (3 default, 5 deep)
    Layout,     \* "Shipped" (pointer swap) or "Legacy" (two LWW registers)
    Resync,     \* "None" | "Degrade" | "FailStop"
    Mutation,   \* "None" | "LwwPointer" | "PruneAgeOnly" | "SilentClamp"
                \* | "K1AllowsOneBelow" | "K2PrunesEqualRank" | "K3OffByOne"
    Null        \* a model value: "none" in every optional field

ASSUME N \in Nat \ {0}
ASSUME MaxRev \in Nat \ {0}
ASSUME Layout \in {"Shipped", "Legacy"}
ASSUME Resync \in {"None", "Degrade", "FailStop"}
ASSUME Mutation \in {"None", "LwwPointer", "PruneAgeOnly", "SilentClamp",
                     "K1AllowsOneBelow", "K2PrunesEqualRank", "K3OffByOne"}

Nodes == 0 .. N - 1
PointerSwap == Layout = "Shipped"

-----------------------------------------------------------------------------
(* Protocol kernels: each mirrors one pure Go function in protocol/.       *)

\* A pointer observation, the Go protocol.PointerState: PointerAbsent(),
\* PointerAt(rank), or PointerCorrupt() (present, rank unreadable).
PointerAbsent == [present |-> FALSE, known |-> FALSE, rank |-> 0]
PointerAt(rank) == [present |-> TRUE, known |-> TRUE, rank |-> rank]
PointerCorrupt == [present |-> TRUE, known |-> FALSE, rank |-> 0]

\* Go: protocol.PointerPublishAllowed(current PointerState, candidateRank uint64) bool
\* (kernel K1). Absent or corrupt pointers are replaceable; an equal rank
\* republishes; a strictly older candidate is refused.
PointerPublishAllowed(current, candidateRank) ==
    \/ ~current.present
    \/ ~current.known
    \/ candidateRank >= current.rank

\* Go: protocol.PayloadPrunable(c protocol.PruneCandidate) bool (kernel K2).  The
\* record mirrors the Go struct field for field: rank, rankKnown (FALSE stands for a
\* payload name whose rank cannot be read), pointerRank, isPointerTarget, agedOut.
\* Prune is strictly below the pointer.
PruneCandidate(rank, rankKnown, pointerRank, isPointerTarget, agedOut) ==
    [rank |-> rank, rankKnown |-> rankKnown, pointerRank |-> pointerRank,
     isPointerTarget |-> isPointerTarget, agedOut |-> agedOut]
PayloadPrunable(c) ==
    /\ ~c.isPointerTarget
    /\ c.agedOut
    /\ c.rankKnown
    /\ c.rank < c.pointerRank

\* Go: protocol.ResumeWindowOK(revision, firstSequence uint64) bool (kernel K3):
\* firstSequence <= revision + 1.  Go saturates the addition at the maximum
\* uint64; revisions here never exceed MaxRev, so plain addition is exact.
ResumeWindowOK(revision, firstSequence) == firstSequence <= revision + 1

\* Kernel mutations (Go: model/exportimport K1AllowsOneBelow, K2PrunesEqualRank,
\* K3OffByOne): one broken kernel swapped in, the transition table unchanged.
K1AllowsOneBelow(current, candidateRank) ==
    ~current.present \/ ~current.known \/ candidateRank + 1 >= current.rank
K2PrunesEqualRank(c) ==
    ~c.isPointerTarget /\ c.agedOut /\ c.rankKnown /\ c.rank <= c.pointerRank
K3OffByOne(revision, firstSequence) == firstSequence <= revision + 2

\* The kernels the model runs (Go: exportimport.KernelsFor(mutation)).
K1(current, candidateRank) ==
    IF Mutation = "K1AllowsOneBelow" THEN K1AllowsOneBelow(current, candidateRank)
                                     ELSE PointerPublishAllowed(current, candidateRank)
K2(c) ==
    IF Mutation = "K2PrunesEqualRank" THEN K2PrunesEqualRank(c)
                                      ELSE PayloadPrunable(c)
K3(revision, firstSequence) ==
    IF Mutation = "K3OffByOne" THEN K3OffByOne(revision, firstSequence)
                               ELSE ResumeWindowOK(revision, firstSequence)

\* Unit pins of the kernels (as in protocol/*_test.go), checked by TLC before
\* every run, so an edit to an operator that breaks a truth table fails fast.
ASSUME /\ PointerPublishAllowed(PointerAbsent, 0)
       /\ PointerPublishAllowed(PointerCorrupt, 0)
       /\ PointerPublishAllowed(PointerAt(5), 5)
       /\ PointerPublishAllowed(PointerAt(5), 6)
       /\ ~PointerPublishAllowed(PointerAt(5), 4)
ASSUME /\ PayloadPrunable(PruneCandidate(4, TRUE, 5, FALSE, TRUE))
       /\ ~PayloadPrunable(PruneCandidate(5, TRUE, 5, FALSE, TRUE))
       /\ ~PayloadPrunable(PruneCandidate(6, TRUE, 5, FALSE, TRUE))
       /\ ~PayloadPrunable(PruneCandidate(4, TRUE, 5, TRUE, TRUE))
       /\ ~PayloadPrunable(PruneCandidate(4, FALSE, 5, FALSE, TRUE))
       /\ ~PayloadPrunable(PruneCandidate(4, TRUE, 5, FALSE, FALSE))
ASSUME /\ ResumeWindowOK(3, 4)
       /\ ResumeWindowOK(3, 1)
       /\ ~ResumeWindowOK(3, 5)

-----------------------------------------------------------------------------
(* Value constructors (fixed Null in unused fields).                       *)

Artifact(n, c, k) == [node |-> n, cursor |-> c, hasKey |-> k]

ExpIdle         == [pc |-> "Idle",      art |-> Null, c |-> Null]
ExpExported(a)  == [pc |-> "Exported",  art |-> a,    c |-> Null]
ExpPayloadUp(a) == [pc |-> "PayloadUp", art |-> a,    c |-> Null]
ExpDone(c)      == [pc |-> "Done",      art |-> Null, c |-> c]

ImpStart            == [pc |-> "Start",            art |-> Null, st |-> Null]
ImpGotManifest(a)   == [pc |-> "GotManifest",      art |-> a,    st |-> Null]
ImpImported(a)      == [pc |-> "Imported",         art |-> a,    st |-> Null]
ImpCrossCheckFailed == [pc |-> "CrossCheckFailed", art |-> Null, st |-> Null]
ImpFetchMissed      == [pc |-> "FetchMissed",      art |-> Null, st |-> Null]
ImpResumed(a, st)   == [pc |-> "Resumed",          art |-> a,    st |-> st]

-----------------------------------------------------------------------------
VARIABLES
    head,       \* bucket high-water revision, 0..MaxRev
    deleteRev,  \* Null, or the revision at which the sentinel key was deleted (once)
    floor,      \* retention floor = NATS first_sequence - 1, 0..head
    applied,    \* applied[n]: replica n's applied cursor, 0..head
    exporters,  \* exporters[n]: Idle | Exported(a) | PayloadUp(a) | Done(c)
    payload,    \* Legacy only: the single payload object (LWW register); Null under Shipped
    manifest,   \* Legacy: the sibling-manifest LWW register; Shipped: the pointer
    uploaded,   \* Shipped only: write-once content-addressed payloads; {} under Legacy
    regressed,  \* latch: a publish replaced a strictly newer manifest/pointer
    refused,    \* latch (Shipped): PointerPublishAllowed refused a publish
    importer    \* the single bootstrapping node's pc

vars == <<head, deleteRev, floor, applied, exporters, payload, manifest,
          uploaded, regressed, refused, importer>>

\* Pure helpers.
KeyPresentAt(c) == deleteRev = Null \/ c < deleteRev
BucketHasKey == deleteRev = Null
ResumeOK(a) == K3(a.cursor, floor + 1)
RelistOnly(a) ==
    IF a.hasKey /\ deleteRev # Null /\ deleteRev <= floor THEN "StaleKey" ELSE "Synced"

Init ==
    /\ head = 0
    /\ deleteRev = Null
    /\ floor = 0
    /\ applied = [n \in Nodes |-> 0]
    /\ exporters = [n \in Nodes |-> ExpIdle]
    /\ payload = Null
    /\ manifest = Null
    /\ uploaded = {}
    /\ regressed = FALSE
    /\ refused = FALSE
    /\ importer = ImpStart

-----------------------------------------------------------------------------
(* Environment.  Production: bucket put / delete / retention head eviction *)
(* (which moves first_sequence) / the watch_applied flush.                 *)

Churn ==
    /\ head < MaxRev
    /\ head' = head + 1
    /\ UNCHANGED <<deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused, importer>>

DeleteKey ==
    /\ head < MaxRev
    /\ deleteRev = Null
    /\ head' = head + 1
    /\ deleteRev' = head + 1
    /\ UNCHANGED <<floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused, importer>>

Compact ==
    /\ floor < head
    /\ floor' = floor + 1
    /\ UNCHANGED <<head, deleteRev, applied, exporters, payload, manifest,
                   uploaded, regressed, refused, importer>>

Apply(n) ==
    /\ applied[n] < head
    /\ applied' = [applied EXCEPT ![n] = @ + 1]
    /\ UNCHANGED <<head, deleteRev, floor, exporters, payload, manifest,
                   uploaded, regressed, refused, importer>>

-----------------------------------------------------------------------------
(* Exporter n.                                                             *)

\* ExportRequest -> store.ExportTo: the artifact's cursor is the applied cursor.
Export(n) ==
    /\ exporters[n].pc = "Idle"
    /\ applied[n] >= 1
    /\ exporters' = [exporters EXCEPT ![n] =
                        ExpExported(Artifact(n, applied[n], KeyPresentAt(applied[n])))]
    /\ UNCHANGED <<head, deleteRev, floor, applied, payload, manifest,
                   uploaded, regressed, refused, importer>>

\* Upload steps 1-5: a PUT at the content address (Legacy: PUT <key>.payload.tar).
UploadPayload(n) ==
    /\ exporters[n].pc = "Exported"
    /\ LET a == exporters[n].art IN
        /\ IF PointerSwap
             THEN /\ uploaded' = uploaded \cup {a}
                  /\ UNCHANGED payload
             ELSE /\ payload' = a
                  /\ UNCHANGED uploaded
        /\ exporters' = [exporters EXCEPT ![n] = ExpPayloadUp(a)]
    /\ UNCHANGED <<head, deleteRev, floor, applied, manifest,
                   regressed, refused, importer>>

\* SwapPointer (PointerPublishAllowed + Create/Update CAS); Legacy: an
\* unconditional PUT of <key>.manifest.json.  The model's pointer is never
\* corrupt, so the observation is absent or present with a known rank.
Publish(n) ==
    /\ exporters[n].pc = "PayloadUp"
    /\ LET a == exporters[n].art
           obs == IF manifest = Null THEN PointerAbsent ELSE PointerAt(manifest.cursor)
           allowed == ~PointerSwap
                      \/ Mutation = "LwwPointer"
                      \/ K1(obs, a.cursor)
       IN
        /\ IF allowed
             THEN /\ regressed' = (regressed \/ (manifest # Null /\ manifest.cursor > a.cursor))
                  /\ manifest' = a
                  /\ UNCHANGED refused
             ELSE /\ refused' = TRUE
                  /\ UNCHANGED <<manifest, regressed>>
        /\ exporters' = [exporters EXCEPT ![n] = ExpDone(a.cursor)]
    /\ UNCHANGED <<head, deleteRev, floor, applied, payload, uploaded, importer>>

\* Process death mid-round: the local artifact is lost; uploads stay.
Crash(n) ==
    /\ exporters[n].pc \in {"Exported", "PayloadUp"}
    /\ exporters' = [exporters EXCEPT ![n] = ExpIdle]
    /\ UNCHANGED <<head, deleteRev, floor, applied, payload, manifest,
                   uploaded, regressed, refused, importer>>

\* The next lease round on node n (rounds are unbounded).
NextRound(n) ==
    /\ exporters[n].pc = "Done"
    /\ applied[n] > exporters[n].c
    /\ exporters' = [exporters EXCEPT ![n] = ExpIdle]
    /\ UNCHANGED <<head, deleteRev, floor, applied, payload, manifest,
                   uploaded, regressed, refused, importer>>

-----------------------------------------------------------------------------
(* Pruner (Shipped only): Prune(key, grace = 0), atomic against the        *)
(* current pointer; agedOut = TRUE is the harshest grace.                  *)

Prune ==
    /\ PointerSwap
    /\ manifest # Null
    \* A set test, not \E: TLC would otherwise yield the successor once per
    \* witness u; as written every action yields one successor, as in the Go
    \* model, so TLC's "states generated" equals the Go checker's Generated.
    /\ {u \in uploaded : u.cursor < manifest.cursor} # {}
    /\ uploaded' =
         IF Mutation = "PruneAgeOnly"
           THEN uploaded \cap {manifest}
           ELSE {u \in uploaded :
                   ~K2([rank |-> u.cursor, rankKnown |-> TRUE,
                         pointerRank |-> manifest.cursor,
                         isPointerTarget |-> u = manifest, agedOut |-> TRUE])}
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   regressed, refused, importer>>

-----------------------------------------------------------------------------
(* Importer.  Production: Download step 2 / steps 3-4, the caller          *)
(* re-running ImportRemote, and the resume of the watch from the           *)
(* manifest cursor (ResumeWindowOK; on CursorExpired the resync).          *)

ReadManifest ==
    /\ importer.pc = "Start"
    /\ manifest # Null
    /\ importer' = ImpGotManifest(manifest)
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused>>

ReadPayload ==
    /\ importer.pc = "GotManifest"
    /\ LET g == importer.art IN
         importer' =
           IF PointerSwap
             THEN IF g \in uploaded THEN ImpImported(g) ELSE ImpFetchMissed
             ELSE IF payload = g THEN ImpImported(g) ELSE ImpCrossCheckFailed
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused>>

Retry ==
    /\ importer.pc \in {"CrossCheckFailed", "FetchMissed"}
    /\ importer' = ImpStart
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused>>

\* Under FailStop a failed resync changes nothing, so Resume simply stays
\* enabled; there is no explicit failure action.
\* When K3 says the window is intact, the fold is what a tail replay really
\* delivers: Synced when floor <= cursor, otherwise what NATS's silent clamp
\* delivers (RelistOnly).  With the production K3 "intact" is exactly
\* floor <= cursor, so this is the ported model's "Synced" (as in the Go model,
\* it only gives a wrong K3 a visible consequence).
Resume ==
    /\ importer.pc = "Imported"
    /\ LET a == importer.art
           st == IF ResumeOK(a) THEN (IF floor <= a.cursor THEN "Synced" ELSE RelistOnly(a))
                 ELSE IF Mutation = "SilentClamp" THEN RelistOnly(a)
                 ELSE IF Resync # "None" THEN "Synced"
                 ELSE RelistOnly(a)
       IN importer' = ImpResumed(a, st)
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused>>

ResumeResyncDegraded ==
    /\ Resync = "Degrade"
    /\ importer.pc = "Imported"
    /\ ~ResumeOK(importer.art)
    /\ importer' = ImpResumed(importer.art, RelistOnly(importer.art))
    /\ UNCHANGED <<head, deleteRev, floor, applied, exporters, payload, manifest,
                   uploaded, regressed, refused>>

-----------------------------------------------------------------------------
Next ==
    \/ Churn \/ DeleteKey \/ Compact
    \/ \E n \in Nodes :
         Apply(n) \/ Export(n) \/ NextRound(n) \/ UploadPayload(n) \/ Publish(n) \/ Crash(n)
    \/ Prune
    \/ ReadManifest \/ ReadPayload \/ Retry \/ Resume \/ ResumeResyncDegraded

Spec == Init /\ [][Next]_vars

\* The explicit disjunction of every action's guard.
\* GuardsMatchEnabled checks it against TLC's own ENABLED Next.
EnabledAny ==
    \/ head < MaxRev
    \/ floor < head
    \/ \E n \in Nodes :
         \/ applied[n] < head
         \/ exporters[n].pc = "Idle" /\ applied[n] >= 1
         \/ exporters[n].pc = "Done" /\ applied[n] > exporters[n].c
         \/ exporters[n].pc \in {"Exported", "PayloadUp"}
    \/ PointerSwap /\ manifest # Null /\ \E u \in uploaded : u.cursor < manifest.cursor
    \/ importer.pc = "Start" /\ manifest # Null
    \/ importer.pc \in {"GotManifest", "CrossCheckFailed", "FetchMissed", "Imported"}

GuardsMatchEnabled == EnabledAny = ENABLED Next

TypeOK ==
    /\ head \in 0 .. MaxRev
    /\ deleteRev \in {Null} \cup 1 .. head
    /\ floor \in 0 .. head
    /\ applied \in [Nodes -> 0 .. head]
    /\ \A n \in Nodes : exporters[n].pc \in {"Idle", "Exported", "PayloadUp", "Done"}
    /\ (PointerSwap => payload = Null)
    /\ (~PointerSwap => uploaded = {})
    /\ regressed \in BOOLEAN
    /\ refused \in BOOLEAN

-----------------------------------------------------------------------------
(* Properties.  Each comment quotes the original property name exactly.    *)
(* Always properties are invariants; a Sometimes property P is checked by  *)
(* a witness config asserting its Never... negation and expecting TLC to   *)
(* report that invariant violated.                                         *)

\* --- Shipped layout ---------------------------------------------------------

\* always: "published cursor never regresses"
PublishedNeverRegresses == ~regressed

\* always: "monotone pointer: importer never observes a cursor drop"
MonotonePointer ==
    (importer.pc \in {"GotManifest", "Imported", "Resumed"} /\ manifest # Null)
        => importer.art.cursor <= manifest.cursor

\* always: "cross-check never fires (torn pair structurally impossible)"
CrossCheckNeverFires == importer.pc # "CrossCheckFailed"

\* always: "pointer target always fetchable (write-once before publish)"
PointerTargetFetchable == manifest = Null \/ manifest \in uploaded

\* sometimes: "the swap refuses an older publish (clobber attempt occurs and is stopped)"
SwapRefusesOlderPublish == refused
NeverSwapRefusesOlderPublish == ~SwapRefusesOlderPublish

\* sometimes: "a prune racing a stale pointer read forces a detected retry"
PruneRaceForcesRetry == importer.pc = "FetchMissed"
NeverPruneRaceForcesRetry == ~PruneRaceForcesRetry

\* always: "a fetch miss only happens on a stale pointer read, never the current one"
FetchMissOnlyOnStaleRead ==
    importer.pc # "FetchMissed" \/ (manifest # Null /\ manifest \in uploaded)

\* --- Legacy layout ----------------------------------------------------------

\* sometimes: "HAZARD reachable: published artifact regresses (slow-exporter clobber)"
HazardRegresses == regressed
NeverHazardRegresses == ~HazardRegresses

\* sometimes: "HAZARD reachable: importer observes a torn pair (detected, bootstrap outage)"
HazardTornPair == importer.pc = "CrossCheckFailed"
NeverHazardTornPair == ~HazardTornPair

\* sometimes: "regression is non-fatal: a post-regression bootstrap still converges"
RegressionNonFatal == regressed /\ importer.pc = "Resumed" /\ importer.st = "Synced"
NeverRegressionNonFatal == ~RegressionNonFatal

\* --- Both layouts -----------------------------------------------------------

\* always: "no mixed import: an installed fold is one exporter's exported state"
NoMixedImport ==
    importer.pc \in {"Imported", "Resumed"} =>
        LET a == importer.art IN
            /\ a.node \in Nodes
            /\ 1 <= a.cursor /\ a.cursor <= head
            /\ a.hasKey = KeyPresentAt(a.cursor)

StaleResume == importer.pc = "Resumed" /\ importer.st = "StaleKey"

\* always (FailStop): "bootstrap never silently diverges (stale is merely stale)"
NeverSilentlyDiverges == ~StaleResume

\* sometimes (Degrade): "HAZARD reachable: armed resync that degrades on error diverges silently"
HazardDegradeDiverges == StaleResume
NeverHazardDegradeDiverges == ~HazardDegradeDiverges

\* sometimes (None): "HAZARD reachable: silent stale-key divergence without resync"
HazardNoResyncDiverges == StaleResume
NeverHazardNoResyncDiverges == ~HazardNoResyncDiverges

SyncedDone == importer.pc = "Resumed" /\ importer.st = "Synced"

\* sometimes: "a bootstrap completes and resumes synced"
BootstrapResumesSynced == SyncedDone
NeverBootstrapResumesSynced == ~BootstrapResumesSynced

\* sometimes: "a publisher runs a second round against its own previous publish"
SecondRoundAgainstOwnPublish ==
    manifest # Null /\ exporters[manifest.node].pc \in {"Exported", "PayloadUp"}
NeverSecondRoundAgainstOwnPublish == ~SecondRoundAgainstOwnPublish

\* always (FailStop, no mutation): "every maximal run ends with a completed, synced bootstrap"
\* Liveness as a terminal-state invariant: retry loops are cycles, not
\* terminal states, so they cannot satisfy it vacuously.
TerminalOK == EnabledAny \/ SyncedDone

=============================================================================
