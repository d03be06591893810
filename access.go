package mmap

import (
	"io"
	"math"
	"runtime/debug"
)

// At returns the byte at offset i. As in Python, a negative i counts from
// the end: At(-1) is the last byte. Python: m[i].
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) At(i int) (b byte, err error) {
	if err := m.enter("at"); err != nil {
		return 0, err
	}
	if i < 0 {
		i += len(m.data)
	}
	if i < 0 || i >= len(m.data) {
		n := len(m.data)
		m.mu.RUnlock()
		return 0, opError("at", rangeErr("index %d of a %d-byte map", i, n))
	}
	// The guard and the unlock are written out here rather than through
	// m.guard and a deferred RUnlock: one deferred function instead of two
	// defers, two calls and a closure is most of the cost of a one-byte read.
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			defer m.mu.RUnlock() // also when faultError re-panics what is not a fault
			b, err = 0, m.faultError("at", i, r, false)
			return
		}
		m.mu.RUnlock()
	}()
	return m.data[i], nil
}

// ReadAt copies len(p) bytes from offset off into p, as io.ReaderAt. It
// returns io.EOF when fewer bytes are left. It does not move the cursor.
// Errors are *OpError values, or *FaultError for a memory fault. At the end, io.EOF itself.
func (m *Map) ReadAt(p []byte, off int64) (n int, err error) {
	if err := m.enter("read"); err != nil {
		return 0, err
	}
	if off < 0 || off >= int64(len(m.data)) {
		m.mu.RUnlock()
		if off < 0 {
			return 0, opError("read", rangeErr("negative offset %d", off))
		}
		return 0, io.EOF
	}
	src := m.data[off:]
	// The fast path guards one plain copy with one deferred function (as At
	// does); only after a fault does copyGuarded work out the exact count.
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			defer m.mu.RUnlock()                     // also when faultError re-panics
			m.faultError("read", int(off), r, false) // re-panics what is not a fault
			n, err = m.copyGuarded("read", p, src, int(off))
			return
		}
		m.mu.RUnlock()
	}()
	if n = copy(p, src); n < len(p) {
		err = io.EOF
	}
	return n, err
}

// WriteAt copies p into the map at offset off, as io.WriterAt. It does not
// move the cursor. A write that would end past the end of the map writes
// nothing and returns ErrRange, unless the map was made WithGrow, when the
// file and the map grow first. Python: m[off:off+len(p)] = p.
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) WriteAt(p []byte, off int64) (n int, err error) {
	if off < 0 {
		return 0, opError("write", rangeErr("negative offset %d", off))
	}
	if off > int64(math.MaxInt)-int64(len(p)) {
		return 0, opError("write", rangeErr("offset %d + %d bytes overflows", off, len(p)))
	}
	if err := m.rlockForWrite(int(off) + len(p)); err != nil {
		return 0, opError("write", err)
	}
	dst := m.data[off:]
	// One deferred function guards, unlocks and, only after a fault, works
	// out the exact count, as in ReadAt.
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			defer m.mu.RUnlock()                      // also when faultError re-panics
			m.faultError("write", int(off), r, false) // re-panics what is not a fault
			n, err = m.copyGuarded("write", dst, p, int(off))
			return
		}
		m.mu.RUnlock()
	}()
	return copy(dst, p), nil
}

// rlockForWrite takes the shared lock for a write that ends at end, first
// growing the map if it was made WithGrow and end is past its end.
func (m *Map) rlockForWrite(end int) error {
	if err := m.rlock(); err != nil {
		return err
	}
	if m.mode == ReadOnly {
		m.mu.RUnlock()
		return ErrReadOnly
	}
	for end > len(m.data) {
		if !m.grow {
			n := len(m.data)
			m.mu.RUnlock()
			return rangeErr("write to [.., %d) of a %d-byte map", end, n)
		}
		m.mu.RUnlock()
		if err := m.resize(end, true); err != nil {
			return err
		}
		if err := m.rlock(); err != nil {
			return err
		}
	}
	return nil
}

// Move copies count bytes from offset src to offset dst inside the map;
// the ranges may overlap. Python: m.move(dest, src, count).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) Move(dst, src, count int) error {
	if err := m.enter("move"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if m.mode == ReadOnly {
		return opError("move", ErrReadOnly)
	}
	n := len(m.data)
	if dst < 0 || src < 0 || count < 0 || count > n-dst || count > n-src {
		return opError("move", rangeErr("dst %d, src %d, count %d in a %d-byte map", dst, src, count, n))
	}
	return m.guard("move", src, func() { copy(m.data[dst:dst+count], m.data[src:src+count]) })
}
