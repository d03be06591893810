package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
)

// Resize changes the length of the map to n bytes, growing or shrinking the
// file to match: on Linux with mremap, which keeps the pages already in
// memory, elsewhere by unmapping and mapping again. Slices from Bytes are
// invalid afterwards. The cursor is not moved, as in Python, so it may lie
// past the new end.
//
// To lose no data, the file is grown only when it is shorter than the new
// map, and shrunk only when the map reached the end of the file; a map of
// part of a file never cuts off what follows it. Resize to 0 leaves a valid
// empty Map. ReadOnly and CopyOnWrite maps cannot be resized (ErrReadOnly).
// Python: m.resize(n).
// Errors are *OpError values.
func (m *Map) Resize(n int) error {
	if m == nil {
		return opError("resize", errNilMap)
	}
	if n < 0 {
		return opError("resize", rangeErr("negative length %d", n))
	}
	if err := m.resize(n, false); err != nil {
		return opError("resize", err)
	}
	return nil
}

// resize sets the length to n with the exclusive lock held; growOnly makes
// it a no-op when the map is already at least n long, for writes that grow
// the map and may have raced with another grow.
func (m *Map) resize(n int, growOnly bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.res == nil {
		return errNilMap
	}
	if m.closed {
		return fs.ErrClosed
	}
	if m.mode != ReadWrite {
		return ErrReadOnly
	}
	old := len(m.data)
	if n == old || growOnly && n < old {
		return nil
	}
	if m.res.shared != nil {
		if err := m.res.shared.checkResize(old, n); err != nil {
			return err
		}
	}
	if int64(n) > math.MaxInt64-m.off {
		return rangeErr("length %d at offset %d overflows", n, m.off)
	}
	res := m.res
	f := res.file
	oldEnd, newEnd := m.off+int64(old), m.off+int64(n)
	var fileSize int64 = -1
	if f != nil {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		fileSize = fi.Size()
		if !fi.Mode().IsRegular() { // a device has no size to change
			return fmt.Errorf("%w: a map of a device cannot be resized", errors.ErrUnsupported)
		}
		if newEnd > fileSize {
			if err := f.Truncate(newEnd); err != nil {
				return err
			}
		}
	}
	if f == nil && n < old {
		// Memory has no file to cut: the rest of the page holding the new
		// end stays mapped, and would come back if the map grew again.
		clear(m.data[n:min(old, (n+pageSize-1)/pageSize*pageSize)])
	}
	aligned := m.off - int64(res.slack)
	if !truncateWhileMapped && f != nil && n > 0 && newEnd < oldEnd && oldEnd >= fileSize {
		return m.shrinkUnmapped(aligned, n, newEnd)
	}
	var err error
	switch {
	case n == 0:
		err = res.reg.unmap()
	case res.reg.addr == nil && f != nil:
		res.reg, err = mapFile(f, aligned, res.slack+n, m.mode)
	case res.reg.addr == nil:
		res.reg, err = mapAnonymous(n)
	default:
		err = remapRegion(&res.reg, f, aligned, res.slack+n, m.mode)
	}
	if err != nil {
		if f != nil && newEnd > fileSize {
			f.Truncate(fileSize) // undo the growth; the old map is intact
		}
		if res.reg.addr == nil { // a failed remap that unmapped first
			m.data = res.view(0)
		}
		return err
	}
	m.data = res.view(n)
	if f != nil && newEnd < oldEnd && oldEnd >= fileSize {
		return f.Truncate(newEnd)
	}
	return nil
}

// shrinkUnmapped shrinks a map that reaches the end of its file to n bytes
// and the file to newEnd where a mapped file cannot be truncated (Windows:
// SetEndOfFile fails with ERROR_USER_MAPPED_FILE while a view is mapped):
// unmap, truncate, map again. If the truncation fails (another map of the
// file), the whole old map comes back and the error is returned.
func (m *Map) shrinkUnmapped(aligned int64, n int, newEnd int64) error {
	res := m.res
	if err := res.reg.unmap(); err != nil {
		return err
	}
	terr := res.file.Truncate(newEnd)
	if terr != nil {
		n = len(m.data)
	}
	var err error
	res.reg, err = mapFile(res.file, aligned, res.slack+n, m.mode)
	if err != nil {
		m.data = res.view(0)
		return err
	}
	m.data = res.view(n)
	return terr
}

// remapRegion is region.remap; tests replace it to reach Resize's recovery
// from a failed remap, which no real system call fails on demand.
var remapRegion = (*region).remap
