package mmap

import (
	"bytes"
	"fmt"
	"io/fs"
)

// Find returns the offset of the first occurrence of sub in the map, or -1.
// The optional bounds are Python's start and end: only occurrences that lie
// wholly within m[start:end] count, a negative bound counts from the end,
// and bounds past either end are clamped. An empty sub is found at start.
// Unlike Python's mmap.find, which starts at the cursor by default, Find
// starts at 0: it is a string-like method and never involves the cursor.
// Python: m.find(sub[, start[, end]]).
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
	i := -1
	err = m.guard(op, start, func() {
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
