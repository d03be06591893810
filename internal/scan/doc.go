// Package scan is the search engine of package mmap, on plain byte
// slices: one non-overlapping scan (Each), Python's bound rules (Bounds),
// one parallel driver (blocks) with one stitching rule for non-overlapping
// matches (stitch), one line splitter (NextLine) and the cutting of a text
// into pieces at newlines for regular expressions (Pieces).
//
// The engine never touches memory it was not given, but the memory may be
// a map whose file shrank: every access to data goes through a Guard, which
// package mmap turns into a *FaultError. A nil Guard runs the access
// unguarded, for slices on the Go heap.
//
// How the work is split is set by a Tuning value, not by package state, so
// that each caller (and each test) says which it uses.
package scan

import "runtime"

// Guard runs fn, which reads data from offset off on, and returns the
// error of a memory fault inside it, or nil. Calls from several goroutines
// at once must be safe.
type Guard func(off int, fn func()) error

func (g Guard) run(off int, fn func()) error {
	if g == nil {
		fn()
		return nil
	}
	return g(off, fn)
}

// Tuning says from which sizes the scans run on every core and how they
// split the work. BenchmarkParallelCrossover (in cmd/internal/peerbench)
// sets the thresholds: a resident map scanned on one goroutine against
// all of them, the threshold being the smallest size from which all cores
// stay ahead; BenchmarkCountCores and BenchmarkFindResident1GiB in package
// mmap show the gain above it. A memory-bound Find pays only on large maps
// (4 MiB); Count, which does work per match, from 1 MiB, where losing costs
// microseconds and winning saves hundreds. On a shared 2-core machine the
// crossover cannot be told from noise: re-measure on an idle one before
// changing them.
type Tuning struct {
	Workers        int // goroutines; 0 means GOMAXPROCS
	FindParallel   int // Find and RFind of a range at least this long run on every core
	CountParallel  int // Count and Positions (Replace)
	RegexpParallel int // CountRegexp, CountLinesMatching: regexp runs at ~0.03-0.1 GB/s
	MinBlock       int // smallest piece of work one goroutine takes
	MaxBlock       int // largest: bounds the work wasted past an early hit
	Window         int // how much text one regexp call sees when the text can be cut at newlines
}

// Default is the tuning package mmap uses.
func Default() Tuning {
	return Tuning{
		FindParallel:   4 << 20,
		CountParallel:  1 << 20,
		RegexpParallel: 64 << 10,
		MinBlock:       256 << 10,
		MaxBlock:       8 << 20,
		Window:         1 << 20,
	}
}

// workers returns how many goroutines a scan may use.
func (t *Tuning) workers() int {
	if t.Workers > 0 {
		return t.Workers
	}
	return runtime.GOMAXPROCS(0)
}
