package configs

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
	ei "github.com/slipstream-go/slipstream/model/exportimport"
)

// The export/import configurations of export-protocol.md §5.6: the five layout × resync rows,
// the three reference mutations and one mutation per kernel at the default bound (N=2,
// maxRev=3), and the three deep rows.
func init() {
	type row struct {
		name   string
		tier   Tier
		n, rev int
		layout ei.Layout
		resync ei.Resync
		mut    ei.Mutation
		desc   string
	}
	rows := []row{
		{"ExportImport_ShippedFailStop", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "shipped protocol: every always holds, every sometimes reached, liveness (12 properties)"},
		{"ExportImport_ShippedNoResync", Default, 2, 3, ei.PointerSwap, ei.ResyncNone, ei.MutNone, "shipped transport without resync still diverges (the None hazard is reached; 11 properties)"},
		{"ExportImport_LegacyFailStop", Default, 2, 3, ei.Legacy, ei.ResyncFailStop, ei.MutNone, "legacy two-register transport: clobber and torn-pair hazards reachable; no mixed import, convergence, liveness hold"},
		{"ExportImport_LegacyDegrade", Default, 2, 3, ei.Legacy, ei.ResyncDegrade, ei.MutNone, "legacy with a degrading resync: hazards and silent divergence reachable"},
		{"ExportImport_LegacyNoResync", Default, 2, 3, ei.Legacy, ei.ResyncNone, ei.MutNone, "legacy without resync: hazards and silent divergence reachable"},
		{"ExportImport_MutLwwPointer", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutLwwPointer, "mutation: publish without K1 must regress the pointer"},
		{"ExportImport_MutPruneAgeOnly", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutPruneAgeOnly, "mutation: prune by age only must leave a dangling pointer"},
		{"ExportImport_MutSilentClamp", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutSilentClamp, "mutation: undetected cursor expiry must diverge silently"},
		{"ExportImport_MutK1AllowsOneBelow", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK1AllowsOneBelow, "kernel mutation: K1 accepting rank n-1 must regress the pointer"},
		{"ExportImport_MutK2PrunesEqualRank", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK2PrunesEqualRank, "kernel mutation: K2 pruning equal ranks must leave a dangling pointer"},
		{"ExportImport_MutK3OffByOne", Default, 2, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutK3OffByOne, "kernel mutation: K3 one revision too wide must diverge silently"},
		{"ExportImport_Deep_ShippedFailStop_Rev5", Deep, 2, 5, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "deep: shipped protocol with revisions up to 5"},
		{"ExportImport_Deep_Shipped3Exporters", Deep, 3, 3, ei.PointerSwap, ei.ResyncFailStop, ei.MutNone, "deep: shipped protocol with three exporters"},
		{"ExportImport_Deep_Legacy3Exporters", Deep, 3, 3, ei.Legacy, ei.ResyncFailStop, ei.MutNone, "deep: legacy hazards still reachable with three exporters"},
	}
	for _, r := range rows {
		c := ei.Config{N: r.n, MaxRev: r.rev, Layout: r.layout, Resync: r.resync, Mutation: r.mut}
		if _, err := ei.New(c); err != nil {
			panic(fmt.Sprintf("configs: %s: %v", r.name, err))
		}
		Register(Model(r.name, r.tier, r.desc, func() check.Model[ei.State] { return ei.MustNew(c) }))
	}
}
