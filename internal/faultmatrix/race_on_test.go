//go:build race

package faultmatrix

// raceEnabled: the race detector slows every run of the catalogue about
// fivefold, so the per-site rows sample as with -short.
const raceEnabled = true
