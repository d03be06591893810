package mmap

import (
	"bytes"
	"fmt"
	"io/fs"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
)

// Scans over large maps run on every core (GOMAXPROCS goroutines). Below
// these sizes one goroutine is faster, because starting the others costs
// more than they save. Measured on the project's 2-core VM (anonymous map
// holding English text, bytes.Index, 1 goroutine against 2):
//
//	size     absent, rare 1st byte   absent, common 1st byte   Count(" the ")
//	256 KiB  0.73x                   0.84x                     1.24x
//	1 MiB    0.79x                   1.20x                     1.92x
//	4 MiB    1.22x                   1.60x                     1.83x
//	16 MiB   2.02x                   1.61x                     1.63x
//	64 MiB   1.32x                   1.58x                     2.00x
//
// A memory-bound Find pays from about 4 MiB; Count, which does work per
// match, from 1 MiB, where losing costs microseconds and winning saves
// hundreds. They are variables so that tests can force the parallel paths
// on small inputs.
var (
	parallelThreshold       = 4 << 20   // Find, RFind
	countParallelThreshold  = 1 << 20   // Count, Replace
	regexpParallelThreshold = 64 << 10  // CountRegexp, CountLinesMatching: regexp runs at ~0.03-0.1 GB/s
	minBlock                = 256 << 10 // smallest piece of work one goroutine takes
	maxBlock                = 8 << 20   // largest: bounds the work wasted past an early hit
)

// Find returns the offset of the first occurrence of sub in the map, or -1.
// The optional bounds are Python's start and end: only occurrences that lie
// wholly within m[start:end] count, a negative bound counts from the end,
// and bounds past either end are clamped. An empty sub is found at start.
// Unlike Python's mmap.find, which starts at the cursor by default, Find
// starts at 0: it is a string-like method and never involves the cursor.
// Ranges of 4 MiB and more are searched on every core; the result is still
// the first occurrence. Python: m.find(sub[, start[, end]]).
func (m *Map) Find(sub []byte, bounds ...int) (int, error) {
	return m.find("find", sub, bounds, false)
}

// RFind returns the offset of the last occurrence of sub in the map, or -1,
// with the same bounds as Find. An empty sub is found at end.
// Python: m.rfind(sub[, start[, end]]).
func (m *Map) RFind(sub []byte, bounds ...int) (int, error) {
	return m.find("rfind", sub, bounds, true)
}

func (m *Map) find(op string, sub []byte, bounds []int, last bool) (int, error) {
	if err := m.rlock(); err != nil {
		return -1, opError(op, err)
	}
	defer m.mu.RUnlock()
	start, end, err := pythonBounds(len(m.data), bounds)
	if err != nil {
		return -1, opError(op, err)
	}
	if end-start < len(sub) {
		return -1, nil
	}
	if len(sub) == 0 {
		if last {
			return end, nil
		}
		return start, nil
	}
	if end-start >= parallelThreshold && workers() > 1 {
		// An early hit is the common case (the first " the " of a book):
		// look in the first block on this goroutine before paying for
		// others, which measured 85 µs against 160-250 µs for a hit near
		// the start of an 8-64 MiB map.
		hs, he := start, min(start+minBlock+len(sub)-1, end)
		if last {
			hs, he = max(end-minBlock-len(sub)+1, start), end
		}
		i, err := m.findSequential(op, sub, hs, he, last)
		if i >= 0 || err != nil {
			return i, err
		}
		if last {
			return m.findParallel(op, sub, start, end-minBlock, last)
		}
		return m.findParallel(op, sub, start+minBlock, end, last)
	}
	return m.findSequential(op, sub, start, end, last)
}

// findSequential searches [start, end) on the calling goroutine.
func (m *Map) findSequential(op string, sub []byte, start, end int, last bool) (int, error) {
	i := -1
	err := m.guard(op, start, func() {
		if last {
			i = bytes.LastIndex(m.data[start:end], sub)
		} else {
			i = bytes.Index(m.data[start:end], sub)
		}
	})
	if err != nil {
		return -1, err
	}
	if i >= 0 {
		i += start
	}
	return i, nil
}

func workers() int { return runtime.GOMAXPROCS(0) }

// eachBlock calls fn(k) for every k in [0, nb) on up to GOMAXPROCS
// goroutines, which take the blocks in order, and returns when all are
// done.
func eachBlock(nb int, fn func(k int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers(), nb) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < nb; k = int(next.Add(1) - 1) {
				fn(k)
			}
		}()
	}
	wg.Wait()
}

// blocks splits [start, end) into pieces for p goroutines: enough that a
// slow goroutine (the machine may be shared) does not hold the others up,
// few enough that each call is long.
func blocks(start, end, p int) (size, n int) {
	total := end - start
	size = min(max(total/(4*p), minBlock), maxBlock)
	size = max(size, 1)
	return size, (total + size - 1) / size
}

// findParallel is find for a long range: goroutines take blocks in order
// (from the end for rfind) and skip any block that cannot hold a better
// match than one found already, so an early hit ends the scan early. A
// block [bs, be) is searched in m.data[bs:be+len(sub)-1], so every match
// starting in it is seen, by exactly one block.
func (m *Map) findParallel(op string, sub []byte, start, end int, last bool) (int, error) {
	size, nb := blocks(start, end, workers())
	var best atomic.Int64
	best.Store(-1)
	var mu sync.Mutex
	faultAt, fault := -1, error(nil) // the fault nearest the end the scan starts from
	better := func(i int64) bool {
		b := best.Load()
		return b < 0 || (!last && i < b) || (last && i > b)
	}
	eachBlock(nb, func(k int) {
		if last {
			k = nb - 1 - k
		}
		bs := start + k*size
		be := min(bs+size, end)
		// Skip a block that cannot beat the best match so far.
		if b := best.Load(); b >= 0 && (!last && b < int64(bs) || last && b >= int64(bs)) {
			return
		}
		i := -1
		err := m.guard(op, bs, func() {
			s := m.data[bs:min(be+len(sub)-1, end)]
			if last {
				i = bytes.LastIndex(s, sub)
			} else {
				i = bytes.Index(s, sub)
			}
		})
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
		pos := int64(bs + i)
		for {
			b := best.Load()
			if !better(pos) || best.CompareAndSwap(b, pos) {
				break
			}
		}
	})
	b := int(best.Load())
	if fault != nil {
		// A one-goroutine scan would have met the fault first unless the
		// match lies before the faulting block (after it, for rfind).
		if b < 0 || (!last && b >= faultAt) || (last && b < faultAt) {
			return -1, fault
		}
	}
	return b, nil
}

// Count returns the number of non-overlapping occurrences of sub in the map,
// counted from the left as bytes.Count does, within Python's optional start
// and end bounds (see Find). An empty sub is counted once per position:
// end-start+1 times, as Python's bytes.count(b"") does; unlike bytes.Count,
// which counts UTF-8 runes, the map is counted as bytes. Ranges of 1 MiB
// and more are counted on every core.
func (m *Map) Count(sub []byte, bounds ...int) (int, error) {
	const op = "count"
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
	}
	defer m.mu.RUnlock()
	start, end, err := pythonBounds(len(m.data), bounds)
	if err != nil {
		return 0, opError(op, err)
	}
	if len(sub) == 0 {
		return max(end-start+1, 0), nil
	}
	if end-start < len(sub) {
		return 0, nil
	}
	if end-start >= countParallelThreshold && workers() > 1 {
		return m.countParallel(op, sub, start, end)
	}
	var n int
	err = m.guard(op, start, func() { n = bytes.Count(m.data[start:end], sub) })
	if err != nil {
		return 0, err
	}
	return n, nil
}

// blockCount is what one goroutine learns about the matches starting in
// one block when it counts greedily from the block's start.
type blockCount struct {
	n     int
	first [16]int // the first min(n, 16) match offsets
	last  int     // offset of the last match
	err   error
}

// countParallel counts in blocks on every core, then stitches the blocks
// together in order. Counting from a block's start is what a one-goroutine
// scan does unless that scan's previous match runs into the block past the
// block's first match (only possible when sub overlaps itself, like "aa"
// in "aaaa"). Then the block is counted again from where that match ends,
// until the new sequence of matches meets the recorded one, after which the
// two agree; if it never meets it (as in "aaaa...") the whole block is
// counted again, so the worst case costs about one sequential scan.
func (m *Map) countParallel(op string, sub []byte, start, end int) (int, error) {
	size, nb := blocks(start, end, workers())
	res := make([]blockCount, nb)
	eachBlock(nb, func(k int) {
		bs := start + k*size
		be := min(bs+size, end)
		// Count into a local value: blocks share cache lines.
		var r blockCount
		r.err = m.guard(op, bs, func() {
			s := m.data[:min(be+len(sub)-1, end)]
			if len(sub) == 1 {
				r.n = bytes.Count(s[bs:], sub)
				return
			}
			n, last := 0, 0
			defer func() { r.n, r.last = n, last }()
			for i := bs; ; {
				j := bytes.Index(s[i:], sub)
				if j < 0 {
					return
				}
				i += j
				if n < len(r.first) {
					r.first[n] = i
				}
				n++
				last = i
				i += len(sub)
			}
		})
		res[k] = r
	})
	total, next0 := 0, start // next0: where a sequential scan resumes
	for k := range res {
		r := &res[k]
		if r.err != nil {
			return 0, r.err
		}
		if r.n == 0 {
			continue
		}
		if len(sub) == 1 || next0 <= r.first[0] {
			total += r.n
			next0 = r.last + len(sub)
			continue
		}
		bs := start + k*size
		be := min(bs+size, end)
		var n, lastPos int
		err := m.guard(op, next0, func() { n, lastPos = m.recount(sub, r, next0, be, end) })
		if err != nil {
			return 0, err
		}
		total += n
		if n > 0 {
			next0 = lastPos + len(sub)
		}
	}
	return total, nil
}

// recount counts the matches starting in [from, be) greedily from from,
// given r, the block's count from its own start, and returns the count and
// the offset of the last match.
func (m *Map) recount(sub []byte, r *blockCount, from, be, end int) (n, last int) {
	s := m.data[:min(be+len(sub)-1, end)]
	rec := min(r.n, len(r.first))
	k := 0 // index into r.first
	last = -1
	for i := from; ; {
		j := bytes.Index(s[i:], sub)
		if j < 0 {
			return n, last
		}
		i += j
		for k < rec && r.first[k] < i {
			k++
		}
		if k < rec && r.first[k] == i {
			// The sequences meet: from here on they are the same.
			return n + r.n - k, r.last
		}
		n++
		last = i
		i += len(sub)
	}
}

// FindAll returns an iterator over the offsets of the non-overlapping
// occurrences of sub, in order, found from the left as bytes.Count counts
// them. An empty sub matches at every offset from 0 to Len(). A memory
// fault ends the loop with (-1, err); so does calling it on a closed Map.
//
// The iterator holds the Map open (as Guard does) for the whole loop: the
// loop body must not call Close or Resize of the same Map, which would wait
// forever. If the body itself faults on the map's memory, the loop panics
// with the *FaultError, since a loop body that panicked cannot be resumed.
func (m *Map) FindAll(sub []byte) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		const op = "findall"
		if err := m.rlock(); err != nil {
			yield(-1, opError(op, err))
			return
		}
		defer m.mu.RUnlock()
		data := m.data
		pos := 0
		inBody := false
		err := m.guardCaller(op, 0, func() {
			for pos <= len(data) {
				i := bytes.Index(data[pos:], sub)
				if i < 0 {
					return
				}
				pos += i
				inBody = true
				if !yield(pos, nil) {
					return
				}
				inBody = false
				pos += max(len(sub), 1)
			}
		}, true)
		if err != nil {
			if inBody {
				panic(err)
			}
			yield(-1, err)
		}
	}
}

// Lines returns an iterator over the lines of the map, without copying: each
// line is a slice of the map without its "\n" and without a '\r' before it
// (or at the very end), as bufio.ScanLines splits them. A last line without
// a newline is included; an empty map has no lines, and "a\n" has one. A
// line's capacity is its length, so appending to it copies instead of
// writing over the map. The slices are valid until Close or Resize.
//
// The iterator holds the Map open for the whole loop, like FindAll: the
// body must not call Close or Resize of the same Map; a fault in Lines
// ends the loop with (nil, err), and one in the body panics with the
// *FaultError.
func (m *Map) Lines() iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		const op = "lines"
		if err := m.rlock(); err != nil {
			yield(nil, opError(op, err))
			return
		}
		defer m.mu.RUnlock()
		data := m.data
		pos := 0
		inBody := false
		err := m.guardCaller(op, 0, func() {
			for pos < len(data) {
				line, next := nextLine(data, pos)
				pos = next
				inBody = true
				if !yield(line, nil) {
					return
				}
				inBody = false
			}
		}, true)
		if err != nil {
			if inBody {
				panic(err)
			}
			yield(nil, err)
		}
	}
}

// nextLine returns the line starting at pos < len(data), as Lines yields
// it, and the offset of the next line.
func nextLine(data []byte, pos int) (line []byte, next int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		line, next = data[pos:], len(data)
	} else {
		line, next = data[pos:pos+i], pos+i+1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line[:len(line):len(line)], next
}

// pythonBounds turns Python's optional start and end into a range of a
// sequence of length n: negative bounds count from the end, and both are
// clamped to [0, n]. end may come out below start; callers treat that as an
// empty range.
func pythonBounds(n int, bounds []int) (start, end int, err error) {
	start, end = 0, n
	switch len(bounds) {
	case 2:
		end = clampIndex(bounds[1], n)
		fallthrough
	case 1:
		start = clampIndex(bounds[0], n)
	case 0:
	default:
		return 0, 0, fmt.Errorf("%w: %d bounds given, want at most start and end", fs.ErrInvalid, len(bounds))
	}
	return start, end, nil
}

func clampIndex(i, n int) int {
	if i < 0 {
		i += n
		if i < 0 {
			return 0
		}
	}
	return min(i, n)
}
