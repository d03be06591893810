package mmap

import (
	"fmt"
	"io/fs"
	"iter"

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
	if err := m.enter(op); err != nil {
		return -1, err
	}
	defer m.mu.RUnlock()
	start, end, err := boundArgs(len(m.data), bounds)
	if err != nil {
		return -1, opError(op, err)
	}
	return scan.Find(&tuning, m.scanGuard(op), m.data, sub, start, end, last)
}

// Count returns the number of non-overlapping occurrences of sub in the map,
// counted from the left as bytes.Count does, within Python's optional start
// and end bounds (see Find). An empty sub is counted once per position:
// end-start+1 times, as Python's bytes.count(b"") does; unlike bytes.Count,
// which counts UTF-8 runes, the map is counted as bytes. Ranges of 1 MiB
// and more are counted on every core.
func (m *Map) Count(sub []byte, bounds ...int) (int, error) {
	const op = "count"
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	start, end, err := boundArgs(len(m.data), bounds)
	if err != nil {
		return 0, opError(op, err)
	}
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
func (m *Map) FindAll(sub []byte) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		const op = "findall"
		if err := m.enter(op); err != nil {
			yield(-1, err)
			return
		}
		defer m.mu.RUnlock()
		data := m.data
		inBody := false
		err := m.guardCaller(op, 0, func() {
			scan.Each(data, sub, 0, func(i int) bool {
				inBody = true
				if !yield(i, nil) {
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
		if err := m.enter(op); err != nil {
			yield(nil, err)
			return
		}
		defer m.mu.RUnlock()
		data := m.data
		pos := 0
		inBody := false
		err := m.guardCaller(op, 0, func() {
			for pos < len(data) {
				line, next := scan.NextLine(data, pos)
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

// boundArgs turns Find's optional Python bounds into a start and an end
// for scan.Find and scan.Count, which apply Python's rules to them.
func boundArgs(n int, bounds []int) (start, end int, err error) {
	start, end = 0, n
	switch len(bounds) {
	case 2:
		end = bounds[1]
		fallthrough
	case 1:
		start = bounds[0]
	case 0:
	default:
		return 0, 0, fmt.Errorf("%w: %d bounds given, want at most start and end", fs.ErrInvalid, len(bounds))
	}
	return start, end, nil
}
