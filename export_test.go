package mmap

import (
	"runtime"
	"testing"

	"github.com/mmapkit/mmap/internal/scan"
)

// ForceParallelSearch lowers the thresholds of the parallel scans so that
// tests reach them on small inputs, with pieces of block bytes, and puts
// them back when tb ends.
func ForceParallelSearch(tb testing.TB, block int) {
	saved := tuning
	procs := runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
	tuning.FindParallel, tuning.CountParallel, tuning.RegexpParallel = 1, 1, 1
	tuning.MinBlock, tuning.MaxBlock, tuning.Window = block, block, block
	tb.Cleanup(func() {
		tuning = saved
		runtime.GOMAXPROCS(procs)
	})
}

// LineSafe exposes scan.Cuttable to the tests.
func LineSafe(re Regexp) bool { return scan.Cuttable(re) }

// ClosePending reports whether a Close of m has started.
func ClosePending(m *Map) bool { return m.closing.Load() }
