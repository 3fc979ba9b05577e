//go:build !race

package applied

// raceEnabled: the race detector slows every test about threefold, so the longest runs shrink.
const raceEnabled = false
