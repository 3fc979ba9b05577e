package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	ei "github.com/slipstream-go/slipstream/model/exportimport"
)

// exportImportRow is one export/import configuration: its name (which carries its tier, see
// TierOf), its bounds and variant, and what it checks.
type exportImportRow struct {
	name   string
	n, rev int
	layout ei.Layout
	resync ei.Resync
	mut    ei.Mutation
	desc   string
}

func (r exportImportRow) config() ei.Config {
	return ei.Config{N: r.n, MaxRev: r.rev, Layout: r.layout, Resync: r.resync, Mutation: r.mut}
}

// exportImportRows are the export/import configurations: the five layout × resync rows, the
// three protocol-rule mutations and one mutation per kernel at the default bound (N=2,
// maxRev=3), and the three deep rows (each valid for ei.New: TestExportImportRowsAreValid).
var exportImportRows = []exportImportRow{
	{"ExportImport_ShippedFailStop", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "shipped protocol: every always holds, every sometimes reached, liveness (12 properties)"},
	{"ExportImport_ShippedNoResync", 2, 3, ei.PointerSwap, ei.ResyncNone, ei.MutNone, "shipped transport without resync still diverges (the None hazard is reached; 11 properties)"},
	{"ExportImport_LegacyFailStop", 2, 3, ei.Legacy, ei.ResyncFailStop, ei.MutNone, "legacy two-register transport: clobber and torn-pair hazards reachable; no mixed import, convergence, liveness hold"},
	{"ExportImport_LegacyDegrade", 2, 3, ei.Legacy, ei.ResyncDegrade, ei.MutNone, "legacy with a degrading resync: hazards and silent divergence reachable"},
	{"ExportImport_LegacyNoResync", 2, 3, ei.Legacy, ei.ResyncNone, ei.MutNone, "legacy without resync: hazards and silent divergence reachable"},
	{"ExportImport_MutLwwPointer", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutLwwPointer, "mutation: publish without K1 must regress the pointer"},
	{"ExportImport_MutPruneAgeOnly", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutPruneAgeOnly, "mutation: prune by age only must leave a dangling pointer"},
	{"ExportImport_MutSilentClamp", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutSilentClamp, "mutation: undetected cursor expiry must diverge silently"},
	{"ExportImport_MutK1AllowsOneBelow", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK1AllowsOneBelow, "kernel mutation: K1 accepting rank n-1 must regress the pointer"},
	{"ExportImport_MutK2PrunesEqualRank", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK2PrunesEqualRank, "kernel mutation: K2 pruning equal ranks must leave a dangling pointer"},
	{"ExportImport_MutK3OffByOne", 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK3OffByOne, "kernel mutation: K3 one revision too wide must diverge silently"},
	{"ExportImport_Deep_ShippedFailStop_Rev5", 2, 5, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "deep: shipped protocol with revisions up to 5"},
	{"ExportImport_Deep_Shipped3Exporters", 3, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "deep: shipped protocol with three exporters"},
	{"ExportImport_Deep_Legacy3Exporters", 3, 3, ei.Legacy, ei.ResyncFailStop, ei.MutNone, "deep: legacy hazards still reachable with three exporters"},
}

func exportImportConfigs() []Config {
	out := make([]Config, 0, len(exportImportRows))
	for _, r := range exportImportRows {
		c := r.config()
		out = append(out, Model(r.name, r.desc, func() check.Model[ei.State] { return ei.MustNew(c) }))
	}
	return out
}
