package mmap

// Flush, FlushRange and FlushAsync: msync.

// Flush writes the map's changes to the file and waits until they are on
// disk (msync MS_SYNC; F_FULLFSYNC on darwin; FlushViewOfFile and
// FlushFileBuffers on Windows). For ReadOnly, CopyOnWrite and anonymous maps
// there is nothing to write and Flush returns nil. Python: m.flush().
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) Flush() error {
	return m.flush("flush", 0, -1, false)
}

// FlushRange is Flush for the n bytes at offset off. Unlike Python, off need
// not be page-aligned: the range is widened to whole pages internally.
// Python: m.flush(offset, size).
// Errors are *OpError values, or *FaultError for a memory fault.
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
// Errors are *OpError values, or *FaultError for a memory fault.
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
	start -= start % pageSize
	return start, end - start
}
