package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
)

// Flush writes the map's changes to the file and waits until they are on
// disk (msync MS_SYNC; F_FULLFSYNC on darwin; FlushViewOfFile and
// FlushFileBuffers on Windows). For ReadOnly, CopyOnWrite and anonymous maps
// there is nothing to write and Flush returns nil. Python: m.flush().
func (m *Map) Flush() error {
	return m.flush("flush", 0, -1, false)
}

// FlushRange is Flush for the n bytes at offset off. Unlike Python, off need
// not be page-aligned: the range is widened to whole pages internally.
// Python: m.flush(offset, size).
func (m *Map) FlushRange(off, n int) error {
	if n < 0 {
		return opError("flush", rangeErr("negative length %d", n))
	}
	return m.flush("flush", off, n, false)
}

// FlushAsync starts writing the map's changes to the file and returns
// without waiting (msync MS_ASYNC). The changes are already visible to
// every other map and reader of the file; FlushAsync only hurries them to
// disk. Use Flush to know they arrived.
func (m *Map) FlushAsync() error {
	return m.flush("flush", 0, -1, true)
}

// flush syncs [off, off+n) of the map; n < 0 means to the end.
func (m *Map) flush(op string, off, n int, async bool) error {
	if err := m.enter(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if n < 0 {
		n = len(m.data) - off
	}
	if off < 0 || n < 0 || off > len(m.data)-n {
		return opError(op, rangeErr("range [%d, %d+%d) of a %d-byte map", off, off, n, len(m.data)))
	}
	if m.mode != ReadWrite || m.res.file == nil || n == 0 {
		return nil
	}
	start, length := m.pageSpan(off, n)
	// msync does not fault on pages past a shrunk file's end: it succeeds
	// (Linux) and what was written there is gone. Flush promises the range
	// is on disk, so a file that now ends inside it is an error.
	err := m.res.reg.flush(start, length, async)
	if err == nil && !async {
		err = syncFile(m.res.file)
	}
	if cut, ok := m.fileEndsBefore(off + n); ok {
		return &FaultError{Op: op, Offset: int64(max(cut, off)), Err: ErrTruncated}
	}
	if err != nil {
		return opError(op, err)
	}
	return nil
}

// pageSpan widens [off, off+n) of the map to whole pages of the region.
func (m *Map) pageSpan(off, n int) (start, length int) {
	start = m.res.slack + off
	end := start + n
	start -= start % PageSize
	return start, end - start
}

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
		clear(m.data[n:min(old, (n+PageSize-1)/PageSize*PageSize)])
	}
	aligned := m.off - int64(res.slack)
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

// remapRegion is region.remap; tests replace it to reach Resize's recovery
// from a failed remap, which no real system call fails on demand.
var remapRegion = (*region).remap

// Advise gives the OS advice about the whole map. Python: m.madvise(option).
func (m *Map) Advise(a Advice) error {
	return m.AdviseRange(a, 0, -1)
}

// AdviseRange gives advice about the n bytes at offset off; n < 0 means to
// the end, and n is clamped to the end as in Python. off need not be
// page-aligned. AdvicePopulateRead falls back to touching every page where
// the kernel lacks MADV_POPULATE_READ. Python: m.madvise(option, start, length).
func (m *Map) AdviseRange(a Advice, off, n int) error {
	if err := m.enter("advise"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if !a.valid() {
		return opError("advise", fmt.Errorf("%w: unknown advice %d", fs.ErrInvalid, int(a)))
	}
	if len(m.data) == 0 && off == 0 {
		return nil
	}
	if off < 0 || off >= len(m.data) {
		return opError("advise", rangeErr("offset %d of a %d-byte map", off, len(m.data)))
	}
	if n < 0 || n > len(m.data)-off {
		n = len(m.data) - off
	}
	start, length := m.pageSpan(off, n)
	err := m.sysFault("advise", off, m.res.reg.advise(start, length, a))
	if err != nil && a == AdvicePopulateRead && (errors.Is(err, errors.ErrUnsupported) || kindOf(err) == errInvalid) {
		err = m.touch(off, n)
	}
	if err != nil {
		return opError("advise", err)
	}
	return nil
}

// touch reads one byte of every page in [off, off+n) so that each is
// faulted in now rather than when first used.
func (m *Map) touch(off, n int) error {
	var sink byte
	return m.guard("advise", off, func() {
		for i := off; i < off+n; i += PageSize {
			sink += m.data[i]
		}
		sink += m.data[off+n-1]
	})
}

// Lock locks the map's pages in RAM, so they are never paged out (mlock;
// VirtualLock on Windows). It may need privileges or a raised RLIMIT_MEMLOCK.
func (m *Map) Lock() error {
	return m.lockOp("lock", region.lock)
}

// Unlock undoes Lock (munlock; VirtualUnlock on Windows).
func (m *Map) Unlock() error {
	return m.lockOp("unlock", region.unlock)
}

func (m *Map) lockOp(op string, fn func(region, int, int) error) error {
	if err := m.enter(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if len(m.data) == 0 {
		return nil
	}
	err := fn(m.res.reg, 0, m.res.reg.size)
	if err != nil && m.res.file != nil && lockFault(err) {
		err = m.kernelFault(op, 0) // a page that could not be read in
	}
	if err := m.sysFault(op, 0, err); err != nil {
		return opError(op, err)
	}
	return nil
}
