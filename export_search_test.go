package mmap

import (
	"runtime"
	"testing"
)

// ForceParallelSearch lowers the thresholds of the parallel scans so that
// tests reach them on small inputs, with pieces of block bytes, and puts
// them back when tb ends.
func ForceParallelSearch(tb testing.TB, block int) {
	pt, ct, rt, mb, xb, rw := parallelThreshold, countParallelThreshold, regexpParallelThreshold, minBlock, maxBlock, regexpWindow
	procs := runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
	parallelThreshold, countParallelThreshold, regexpParallelThreshold = 1, 1, 1
	minBlock, maxBlock, regexpWindow = block, block, block
	tb.Cleanup(func() {
		parallelThreshold, countParallelThreshold, regexpParallelThreshold = pt, ct, rt
		minBlock, maxBlock, regexpWindow = mb, xb, rw
		runtime.GOMAXPROCS(procs)
	})
}

// LineSafe exposes lineSafe to the tests.
func LineSafe(re Regexp) bool { return lineSafe(re) }
