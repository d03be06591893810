package scan

import "bytes"

// Count returns the number of non-overlapping occurrences of sub in
// data[start:end] under Python's bounds (see Bounds), counted from the left
// as bytes.Count counts them. An empty sub is counted once per position,
// end-start+1 times, as Python's bytes.count(b"") counts it (bytes.Count
// counts UTF-8 runes instead). Ranges of t.CountParallel bytes and more are
// counted on every core.
func Count(t *Tuning, g Guard, data, sub []byte, start, end int) (int, error) {
	lo, hi, ok := Bounds(len(data), start, end, len(sub))
	if !ok {
		return 0, nil
	}
	if len(sub) == 0 {
		return hi - lo + 1, nil
	}
	if hi-lo >= t.CountParallel && t.workers() > 1 {
		n, _, err := stitched(t, g, data[:hi], sub, lo, false)
		return n, err
	}
	var n int
	err := g.run(lo, func() { n = bytes.Count(data[lo:hi], sub) })
	return n, err
}

// Positions returns the offsets of the first n (all if n < 0)
// non-overlapping occurrences of sub in data, found from the left; sub is
// not empty. All of them in a large text are found on every core: where
// they are dense (" the " every 115 bytes of a book) the scan is most of a
// replacement's cost.
func Positions(t *Tuning, g Guard, data, sub []byte, n int) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	if n < 0 && len(data) >= t.CountParallel && t.workers() > 1 {
		_, pos, err := stitched(t, g, data, sub, 0, true)
		return pos, err
	}
	var pos []int
	err := g.run(0, func() {
		Each(data, sub, 0, func(i int) bool {
			pos = append(pos, i)
			return n < 0 || len(pos) < n
		})
	})
	return pos, err
}

// blockScan is what one goroutine learns about the occurrences starting
// in one block when it scans from the block's start.
type blockScan struct {
	n     int
	first [16]int // the first min(n, 16) offsets
	all   []int   // every offset, when collecting
	last  int     // the last offset
	err   error
}

// stitched counts (and with collect set, lists) the non-overlapping
// occurrences of sub starting at lo or later in data, in blocks on every
// core, then stitches the blocks together in order by the one rule below.
func stitched(t *Tuning, g Guard, data, sub []byte, lo int, collect bool) (int, []int, error) {
	p := split(t, lo, len(data))
	res := make([]blockScan, p.n)
	p.run(false, func(k, bs, be int) {
		res[k] = scanBlock(g, data, sub, bs, be, collect) // a local value: blocks share cache lines
	})
	// Scanning from a block's start is what a scan from the left does
	// unless that scan's previous occurrence runs into the block past the
	// block's first occurrence (only possible when sub overlaps itself,
	// like "aa" in "aaaa"). Then the block is scanned again from where that
	// occurrence ends, until the new sequence meets the recorded one, after
	// which the two agree; if it never meets it (as in "aaaa...") the whole
	// block is scanned again, so the worst case costs about one more scan.
	total, resume := 0, lo
	var pos []int
	for k := range res {
		r := &res[k]
		if r.err != nil {
			return 0, nil, r.err
		}
		if r.n == 0 {
			continue
		}
		if len(sub) > 1 && resume > r.first[0] {
			_, be := p.block(k)
			again, err := rescan(g, data, sub, resume, be, r, collect)
			if err != nil {
				return 0, nil, err
			}
			r = &again
			if r.n == 0 {
				continue
			}
		}
		total += r.n
		pos = append(pos, r.all...)
		resume = r.last + len(sub)
	}
	return total, pos, nil
}

// scanBlock scans for the occurrences of sub starting in [bs, be).
func scanBlock(g Guard, data, sub []byte, bs, be int, collect bool) (r blockScan) {
	s := data[:min(be+len(sub)-1, len(data))]
	r.err = g.run(bs, func() {
		if len(sub) == 1 && !collect {
			r.n = bytes.Count(s[bs:], sub)
			return
		}
		Each(s, sub, bs, func(i int) bool {
			r.record(i, collect)
			return true
		})
	})
	return r
}

func (r *blockScan) record(i int, collect bool) {
	if r.n < len(r.first) {
		r.first[r.n] = i
	}
	if collect {
		r.all = append(r.all, i)
	}
	r.n++
	r.last = i
}

// rescan scans the occurrences starting in [from, be) from from, given r,
// the block's scan from its own start, and stops where the two meet.
func rescan(g Guard, data, sub []byte, from, be int, r *blockScan, collect bool) (blockScan, error) {
	rec := r.first[:min(r.n, len(r.first))]
	if collect {
		rec = r.all
	}
	var again blockScan
	met := -1
	s := data[:min(be+len(sub)-1, len(data))]
	err := g.run(from, func() {
		k := 0 // index into rec
		Each(s, sub, from, func(i int) bool {
			for k < len(rec) && rec[k] < i {
				k++
			}
			if k < len(rec) && rec[k] == i {
				met = k // the sequences meet: from here on they are the same
				return false
			}
			again.record(i, collect)
			return true
		})
	})
	if met >= 0 {
		again.n += r.n - met
		again.last = r.last
		if collect {
			again.all = append(again.all, r.all[met:]...)
		}
	}
	return again, err
}
