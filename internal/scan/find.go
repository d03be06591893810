package scan

import (
	"sync"
	"sync/atomic"
)

// Find returns the offset in data of the first occurrence of sub in
// data[start:end] under Python's bounds (see Bounds), or -1; with last set,
// the last occurrence, as rfind. An empty sub is found at the start of the
// range (at its end, with last). Ranges of t.FindParallel bytes and more
// are searched on every core; the result is still the first (last)
// occurrence, and of several faults the one a scan on one goroutine would
// have met first is returned.
func Find(t *Tuning, g Guard, data, sub []byte, start, end int, last bool) (int, error) {
	lo, hi, ok := Bounds(len(data), start, end, len(sub))
	if !ok {
		return -1, nil
	}
	if len(sub) == 0 {
		if last {
			return hi, nil
		}
		return lo, nil
	}
	if hi-lo >= t.FindParallel && t.workers() > 1 {
		// An early hit is the common case (the first " the " of a book):
		// look in the first block on this goroutine before paying for
		// others, which cost more than the search of one block
		// (BenchmarkFindEarlyHit).
		hs, he := lo, min(lo+t.MinBlock+len(sub)-1, hi)
		if last {
			hs, he = max(hi-t.MinBlock-len(sub)+1, lo), hi
		}
		i, err := findOne(g, data, sub, hs, he, last)
		if i >= 0 || err != nil {
			return i, err
		}
		if last {
			return findParallel(t, g, data, sub, lo, hi-t.MinBlock, hi, last)
		}
		return findParallel(t, g, data, sub, lo+t.MinBlock, hi, hi, last)
	}
	return findOne(g, data, sub, lo, hi, last)
}

// findOne searches data[lo:hi] on the calling goroutine.
func findOne(g Guard, data, sub []byte, lo, hi int, last bool) (int, error) {
	i := -1
	if err := g.run(lo, func() { i = index(data, sub, lo, hi, last) }); err != nil {
		return -1, err
	}
	return i, nil
}

// findParallel is Find for the occurrences starting in [lo, hi) and
// ending by end: goroutines take blocks in order (from the end for rfind)
// and skip any block that cannot hold a better match than one found
// already, so an early hit ends the scan early.
func findParallel(t *Tuning, g Guard, data, sub []byte, lo, hi, end int, last bool) (int, error) {
	var best atomic.Int64
	best.Store(-1)
	var mu sync.Mutex
	faultAt, fault := -1, error(nil) // the fault nearest the end the scan starts from
	split(t, lo, hi).run(last, func(_, bs, be int) {
		// Skip a block that cannot beat the best match so far.
		if b := best.Load(); b >= 0 && (!last && b < int64(bs) || last && b >= int64(bs)) {
			return
		}
		i, err := findOne(g, data, sub, bs, min(be+len(sub)-1, end), last)
		if err != nil {
			mu.Lock()
			if faultAt < 0 || (!last && bs < faultAt) || (last && bs > faultAt) {
				faultAt, fault = bs, err
			}
			mu.Unlock()
			return
		}
		if i < 0 {
			return
		}
		for {
			b := best.Load()
			if b >= 0 && (!last && int64(i) >= b || last && int64(i) <= b) || best.CompareAndSwap(b, int64(i)) {
				break
			}
		}
	})
	b := int(best.Load())
	// A one-goroutine scan would have met the fault first unless the match
	// lies before the faulting block (after it, for rfind).
	if fault != nil && (b < 0 || (!last && b >= faultAt) || (last && b < faultAt)) {
		return -1, fault
	}
	return b, nil
}
