//go:build !race

package natsstore

// raceEnabled: the race detector slows every test about threefold, so the longest runs shrink.
const raceEnabled = false
