//go:build !unix

package bench

// rawProbes returns none: the raw system-call probes are written for Unix.
func rawProbes(name, path string) []probeOp { return nil }
