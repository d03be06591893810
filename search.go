package mmap

import (
	"iter"
	"math"

	"github.com/mmapkit/mmap/internal/scan"
)

// tuning says how the scans split their work; internal/scan documents
// each field and the benchmarks that set it. Tests lower it to reach the
// parallel paths on small inputs.
var tuning = scan.Default()

// scanGuard is guard as the scan engine calls it.
func (m *Map) scanGuard(op string) scan.Guard {
	return func(off int, fn func()) error { return m.guard(op, off, fn) }
}

// callerGuard is guardCaller, strict, as the scan engine calls it, for
// scans that run the caller's code (a regexp engine).
func (m *Map) callerGuard(op string) scan.Guard {
	return func(off int, fn func()) error { return m.guardCaller(op, off, fn, true) }
}

// Find returns the offset of the first occurrence of sub in the map, or -1.
// An empty sub is found at 0. Unlike Python's mmap.find, which starts at
// the cursor by default, Find searches the whole map: it is a string-like
// method and never involves the cursor. Ranges of 4 MiB and more are
// searched on every core; the result is still the first occurrence.
// Errors are *OpError or *FaultError values. Python: m.find(sub, 0).
func (m *Map) Find(sub []byte) (int, error) {
	return m.find("find", sub, 0, math.MaxInt, false)
}

// FindIn is Find within Python's start and end: only occurrences that lie
// wholly within m[start:end] count, a negative bound counts from the end,
// and an end past the end is the end (pass math.MaxInt to search to the
// end). An empty sub is found at start, unless start lies past the end or
// past end: then, as Python's bytes.find says, it is not found (-1).
// Python: m.find(sub, start, end).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) FindIn(sub []byte, start, end int) (int, error) {
	return m.find("find", sub, start, end, false)
}

// RFind returns the offset of the last occurrence of sub in the map, or -1.
// An empty sub is found at Len(). Errors are *OpError or *FaultError values.
// Python: m.rfind(sub).
func (m *Map) RFind(sub []byte) (int, error) {
	return m.find("rfind", sub, 0, math.MaxInt, true)
}

// RFindIn is RFind within Python's start and end, as FindIn takes them; an
// empty sub is found at the end of the range, if the range is not empty
// past its end. Python: m.rfind(sub, start, end).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) RFindIn(sub []byte, start, end int) (int, error) {
	return m.find("rfind", sub, start, end, true)
}

func (m *Map) find(op string, sub []byte, start, end int, last bool) (int, error) {
	if err := m.enter(op); err != nil {
		return -1, err
	}
	defer m.mu.RUnlock()
	return scan.Find(&tuning, m.scanGuard(op), m.data, sub, start, end, last)
}

// Count returns the number of non-overlapping occurrences of sub in the map,
// counted from the left as bytes.Count does. An empty sub is counted once
// per position, Len()+1 times, as Python's bytes.count(b"") counts it;
// unlike bytes.Count, which counts UTF-8 runes, the map is counted as bytes.
// Maps of 1 MiB and more are counted on every core. Errors are *OpError or
// *FaultError values. Python: bytes.count (mmap has no count).
func (m *Map) Count(sub []byte) (int, error) {
	return m.count(sub, 0, math.MaxInt)
}

// CountIn is Count within Python's start and end, as FindIn takes them: it
// gives what Python's bytes.count(sub, start, end) gives, 0 for an empty sub
// past the end. Python: m[:].count(sub, start, end).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) CountIn(sub []byte, start, end int) (int, error) {
	return m.count(sub, start, end)
}

func (m *Map) count(sub []byte, start, end int) (int, error) {
	const op = "count"
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	return scan.Count(&tuning, m.scanGuard(op), m.data, sub, start, end)
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
// The loop's error is an *OpError or a *FaultError.
func (m *Map) FindAll(sub []byte) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		iterate(m, "findall", -1, nil, yield, func(data []byte, emit func(int) bool) {
			scan.Each(data, sub, 0, emit)
		})
	}
}

// iterate is the skeleton of the iterators (FindAll, Lines, Matches): it
// reports argErr, or a closed Map, as the one value of the loop; holds the
// Map open for the whole loop; runs each over the map's data under the
// guard, passing each value to the loop body through emit; and tells a
// fault in the loop body, which panics with the *FaultError (a range loop
// cannot resume after its body failed), from one in the scan, which ends the
// loop with (zero, err).
func iterate[T any](m *Map, op string, zero T, argErr error, yield func(T, error) bool, each func(data []byte, emit func(T) bool)) {
	if argErr != nil {
		yield(zero, opError(op, argErr))
		return
	}
	if err := m.enter(op); err != nil {
		yield(zero, err)
		return
	}
	defer m.mu.RUnlock()
	inBody := false
	err := m.guardCaller(op, 0, func() {
		each(m.data, func(v T) bool {
			inBody = true
			if !yield(v, nil) {
				return false
			}
			inBody = false
			return true
		})
	}, true)
	if err != nil {
		if inBody {
			panic(err)
		}
		yield(zero, err)
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
// The loop's error is an *OpError or a *FaultError.
func (m *Map) Lines() iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		iterate(m, "lines", nil, nil, yield, func(data []byte, emit func([]byte) bool) {
			for pos := 0; pos < len(data); {
				line, next := scan.NextLine(data, pos)
				if !emit(line) {
					return
				}
				pos = next
			}
		})
	}
}
