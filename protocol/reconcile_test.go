package protocol

import "testing"

// The truth table of ReconcileRepair; spec/tla/Reconcile.tla pins the same rows as ASSUMEs.
func TestReconcileRepair(t *testing.T) {
	live := func(rev uint64) FoldRecord { return FoldRecord{Live: true, Rev: rev} }
	absent := FoldRecord{}
	put := func(rev uint64) ListedRecord { return ListedRecord{Present: true, Live: true, Rev: rev} }
	marker := func(rev uint64) ListedRecord { return ListedRecord{Present: true, Rev: rev} }
	none := ListedRecord{}
	cases := []struct {
		name              string
		fold              FoldRecord
		listed            ListedRecord
		listPos, frontier uint64
		want              Repair
	}{
		{"purged key, fold entry covered by the listing", live(3), none, 3, 1, RepairDelete},
		{"purged key, fold entry newer than the listing", live(4), none, 3, 9, RepairNone},
		{"absent everywhere", absent, none, 3, 3, RepairNone},
		{"listed put above the frontier: the watch delivers it", absent, put(5), 5, 4, RepairNone},
		{"listed put the watch passed, fold lacks it", absent, put(5), 5, 5, RepairFetch},
		{"listed put the watch passed, fold older", live(2), put(5), 5, 5, RepairFetch},
		{"fold equal to the listing", live(5), put(5), 5, 5, RepairNone},
		{"fold newer than the listing", live(6), put(5), 5, 9, RepairNone},
		{"marker the watch passed, fold still live", live(2), marker(5), 5, 5, RepairDelete},
		{"marker above the frontier", live(2), marker(5), 5, 4, RepairNone},
		{"marker, fold absent", absent, marker(5), 5, 5, RepairNone},
		{"marker older than the fold entry", live(6), marker(5), 5, 9, RepairNone},
		{"put older than a covered fold entry: the fold's record was removed", live(6), put(5), 6, 9, RepairRollback},
		{"marker older than a covered fold entry", live(6), marker(5), 6, 9, RepairDelete},
		{"put older than the fold entry, listed above the frontier", live(6), put(5), 6, 4, RepairNone},
	}
	for _, c := range cases {
		if got := ReconcileRepair(c.fold, c.listed, c.listPos, c.frontier); got != c.want {
			t.Errorf("%s: ReconcileRepair(%+v, %+v, %d, %d) = %v, want %v", c.name, c.fold, c.listed, c.listPos, c.frontier, got, c.want)
		}
	}
}

// The truth table of ConfirmRepair on a linearizable read; spec/tla/Reconcile.tla pins the
// same rows as ASSUMEs.
func TestConfirmRepair(t *testing.T) {
	for _, c := range confirmCases() {
		if got := ConfirmRepair(c.fold, c.current, c.frontier, true); got != c.want {
			t.Errorf("%s: ConfirmRepair(%+v, %+v, %d, true) = %v, want %v", c.name, c.fold, c.current, c.frontier, got, c.want)
		}
	}
}

// On a read that may lag every decision is deferred, the rows that leave the key alone
// included: such a read can neither justify a change nor prove the fold right.
func TestConfirmRepairDefersOnAReadThatMayLag(t *testing.T) {
	for _, c := range confirmCases() {
		if got := ConfirmRepair(c.fold, c.current, c.frontier, false); got != RepairDeferred {
			t.Errorf("%s: ConfirmRepair(%+v, %+v, %d, false) = %v, want deferred", c.name, c.fold, c.current, c.frontier, got)
		}
	}
}

type confirmCase struct {
	name     string
	fold     FoldRecord
	current  ListedRecord
	frontier uint64
	want     Repair
}

func confirmCases() []confirmCase {
	live := func(rev uint64) FoldRecord { return FoldRecord{Live: true, Rev: rev} }
	put := func(rev uint64) ListedRecord { return ListedRecord{Present: true, Live: true, Rev: rev} }
	marker := func(rev uint64) ListedRecord { return ListedRecord{Present: true, Rev: rev} }
	return []confirmCase{
		{"no record at all: gone for good", live(2), ListedRecord{}, 1, RepairDelete},
		{"no record, fold absent", FoldRecord{}, ListedRecord{}, 1, RepairNone},
		{"current record above the frontier: the watch's", live(2), marker(5), 4, RepairNone},
		{"superseding put above the frontier", live(2), put(5), 4, RepairNone},
		{"marker the watch passed, fold live", live(2), marker(5), 5, RepairDelete},
		{"put the watch passed, fold older", live(2), put(5), 5, RepairFetch},
		{"put the watch passed, fold absent", FoldRecord{}, put(5), 5, RepairFetch},
		{"fold holds the current put", live(5), put(5), 9, RepairNone},
		{"marker, fold absent", FoldRecord{}, marker(5), 9, RepairNone},
		{"current put older than the fold entry: roll back", live(6), put(5), 9, RepairRollback},
		{"current marker older than the fold entry", live(6), marker(5), 9, RepairDelete},
		{"older put above the frontier", live(6), put(5), 4, RepairNone},
	}
}

func TestRepairString(t *testing.T) {
	for r, want := range map[Repair]string{RepairNone: "none", RepairDelete: "delete", RepairFetch: "fetch", RepairRollback: "rollback", RepairDeferred: "deferred", Repair(9): "repair(?)"} {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), want)
		}
	}
}
