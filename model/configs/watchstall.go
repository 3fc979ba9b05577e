package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/watchstall"
)

// watchStallConfigs returns the configurations of the stall-detector model: the shipped
// detector at two probe periods, and one mutation per way of getting it wrong (each must
// break the property it names).
func watchStallConfigs() []Config {
	ws := func(name, desc string, c watchstall.Config) Config {
		return Model(name, desc, func() check.Model[watchstall.State] { return watchstall.New(c) })
	}
	return []Config{
		ws("WatchStall_Shipped", "shipped detector, a probe every tick, a 2-tick window: no false stall, every stopped consumer detected in time, a lost last delivery and a pause detected (4 properties)",
			watchstall.Config{}),
		ws("WatchStall_ShippedSlowProbe", "shipped detector, a probe every 2 ticks, a 3-tick window (4 properties)",
			watchstall.Config{Bounds: watchstall.SlowProbeBounds}),
		ws("WatchStall_MutBehindByLast", "call-site mutation: judging behind by the stream's last sequence must stall a caught-up watch when other keys are written",
			watchstall.Config{Mode: watchstall.BehindByLast}),
		ws("WatchStall_MutNoReset", "kernel mutation: not restarting the streak on a receipt must stall a slow consumer that keeps receiving",
			watchstall.Config{Kernels: watchstall.Kernels{Stall: watchstall.MutNoReset}}),
		ws("WatchStall_MutNoWindow", "kernel mutation: stalling on the first probe that finds the watch behind must stall without a window of evidence",
			watchstall.Config{Kernels: watchstall.Kernels{Stall: watchstall.MutNoWindow}}),
		ws("WatchStall_MutForgetStreak", "kernel mutation: keeping no streak between probes must leave a stopped consumer undetected",
			watchstall.Config{Kernels: watchstall.Kernels{Stall: watchstall.MutForgetStreak}}),
	}
}
