package mmap

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"
	"unicode/utf8"
	"unsafe"
)

// The cursor half of Map: the methods of a file, which read and write at
// the position and move it. None of them is safe for concurrent use.

var (
	_ io.Reader       = (*Map)(nil)
	_ io.ReaderAt     = (*Map)(nil)
	_ io.ByteReader   = (*Map)(nil)
	_ io.ByteScanner  = (*Map)(nil)
	_ io.RuneReader   = (*Map)(nil)
	_ io.RuneScanner  = (*Map)(nil)
	_ io.Writer       = (*Map)(nil)
	_ io.WriterAt     = (*Map)(nil)
	_ io.ByteWriter   = (*Map)(nil)
	_ io.StringWriter = (*Map)(nil)
	_ io.Seeker       = (*Map)(nil)
	_ io.WriterTo     = (*Map)(nil)
	_ io.Closer       = (*Map)(nil)
)

// Pos returns the cursor's position, which may lie past the end after a
// shrinking Resize. Python: m.tell().
func (m *Map) Pos() int64 {
	if m == nil {
		return 0
	}
	return m.pos
}

// Read reads up to len(p) bytes at the cursor and moves it, as io.Reader.
// At the end of the map it returns 0, io.EOF. Python: m.read(n).
// Errors are *OpError values, or *FaultError for a memory fault. At the end, io.EOF itself.
func (m *Map) Read(p []byte) (int, error) {
	if err := m.enter("read"); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0
	if m.pos >= int64(len(m.data)) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	n, err := m.copyGuarded("read", p, m.data[m.pos:], int(m.pos))
	m.pos += int64(n)
	return n, err
}

// ReadByte reads the byte at the cursor and moves past it; at the end it
// returns io.EOF. Python: m.read_byte().
// Errors are *OpError values, or *FaultError for a memory fault. At the end, io.EOF itself.
func (m *Map) ReadByte() (byte, error) {
	if err := m.enter("read"); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0
	if m.pos >= int64(len(m.data)) {
		return 0, io.EOF
	}
	var c byte
	if err := m.guard("read", int(m.pos), func() { c = m.data[m.pos] }); err != nil {
		return 0, err
	}
	m.pos++
	m.lastRead = -1
	return c, nil
}

// ReadRune reads the UTF-8 encoded rune at the cursor and moves past it.
// Invalid UTF-8 reads as utf8.RuneError of size 1, as in bufio.
// Errors are *OpError values, or *FaultError for a memory fault. At the end, io.EOF itself.
func (m *Map) ReadRune() (r rune, size int, err error) {
	if err := m.enter("read"); err != nil {
		return 0, 0, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0
	if m.pos >= int64(len(m.data)) {
		return 0, 0, io.EOF
	}
	var buf [utf8.UTFMax]byte
	n, err := m.copyGuarded("read", buf[:], m.data[m.pos:], int(m.pos))
	if n == 0 || err != nil && !utf8.FullRune(buf[:n]) { // a fault inside the rune
		return 0, 0, err
	}
	r, size = utf8.DecodeRune(buf[:n])
	m.pos += int64(size)
	m.lastRead = size
	return r, size, nil
}

// UnreadByte moves the cursor back one byte after a ReadByte or ReadRune,
// as io.ByteScanner.
// Errors are *OpError values.
func (m *Map) UnreadByte() error {
	if err := m.enter("unread"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if m.lastRead == 0 {
		return opError("unread", errNothingToUnread)
	}
	m.pos--
	m.lastRead = 0
	return nil
}

// UnreadRune moves the cursor back by the rune the last ReadRune read, as
// io.RuneScanner.
// Errors are *OpError values.
func (m *Map) UnreadRune() error {
	if err := m.enter("unread"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if m.lastRead <= 0 {
		return opError("unread", errNothingToUnread)
	}
	m.pos -= int64(m.lastRead)
	m.lastRead = 0
	return nil
}

var errNothingToUnread = fmt.Errorf("%w: the last call was not a ReadByte or ReadRune", fs.ErrInvalid)

// ReadLine returns a copy of the bytes from the cursor up to and including
// the next '\n', and moves past them. A last line without a newline is
// returned whole, with a nil error; after it ReadLine returns nil, io.EOF.
// The copy is as long as the line: where lines may be huge (a map without
// a newline copies all of itself), use ReadLineLimit. Errors are *OpError or
// *FaultError values. Python: m.readline().
func (m *Map) ReadLine() ([]byte, error) {
	return m.readLine("readline", -1)
}

// ReadLineLimit is ReadLine that reads at most max bytes, as Python's
// io readline(size) does: a line longer than max comes back in pieces of
// max bytes, only the last of which ends in '\n'. It looks at and copies
// at most max bytes, whatever the map holds. max must be at least 1
// (fs.ErrInvalid). Errors are *OpError or *FaultError values.
// Python: f.readline(size).
func (m *Map) ReadLineLimit(max int) ([]byte, error) {
	if max < 1 {
		return nil, opError("readline", fmt.Errorf("%w: limit %d", fs.ErrInvalid, max))
	}
	return m.readLine("readline", max)
}

// readLine is ReadLine reading at most limit bytes; limit < 0: no limit.
func (m *Map) readLine(op string, limit int) ([]byte, error) {
	if err := m.enter(op); err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0
	if m.pos >= int64(len(m.data)) {
		return nil, io.EOF
	}
	rest := m.data[m.pos:]
	if limit >= 0 && limit < len(rest) {
		rest = rest[:limit]
	}
	end := len(rest)
	if err := m.guard(op, int(m.pos), func() {
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			end = i + 1
		}
	}); err != nil {
		return nil, err
	}
	line := make([]byte, end)
	n, err := m.copyGuarded(op, line, rest, int(m.pos))
	m.pos += int64(n)
	return line[:n], err
}

// Seek sets the cursor for the next Read or Write, as io.Seeker: offset is
// relative to the start for io.SeekStart, to the cursor for io.SeekCurrent
// and to the end for io.SeekEnd. The result must lie in [0, Len()]; anything
// else is an ErrRange error that leaves the cursor where it was.
// Python: m.seek(pos, whence).
// Errors are *OpError values.
func (m *Map) Seek(offset int64, whence int) (int64, error) {
	if err := m.enter("seek"); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0 // a failed Seek too is a call after which nothing can be unread
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = m.pos
	case io.SeekEnd:
		base = int64(len(m.data))
	default:
		return m.pos, opError("seek", fmt.Errorf("%w: whence %d", fs.ErrInvalid, whence))
	}
	if offset > 0 && base > math.MaxInt64-offset || offset < 0 && base+offset < 0 {
		return m.pos, opError("seek", rangeErr("position %d%+d", base, offset))
	}
	next := base + offset
	if next > int64(len(m.data)) {
		return m.pos, opError("seek", rangeErr("position %d past the end of a %d-byte map", next, len(m.data)))
	}
	m.pos = next
	return next, nil
}

// Write writes p at the cursor and moves past it, as io.Writer. A write
// that would run past the end of the map writes nothing and returns
// ErrRange, unless the map was made WithGrow. Python: m.write(p).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) Write(p []byte) (int, error) {
	return m.writeCursor(p)
}

// WriteString is Write for a string, without copying it first.
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) WriteString(s string) (int, error) {
	return m.writeCursor(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// WriteByte writes c at the cursor and moves past it. Python: m.write_byte(c).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) WriteByte(c byte) error {
	_, err := m.writeCursor([]byte{c})
	return err
}

func (m *Map) writeCursor(p []byte) (int, error) {
	if m == nil {
		return 0, opError("write", errNilMap)
	}
	m.lastRead = 0
	if m.pos > int64(math.MaxInt-len(p)) {
		return 0, opError("write", rangeErr("position %d + %d bytes overflows", m.pos, len(p)))
	}
	if err := m.rlockForWrite(int(m.pos) + len(p)); err != nil {
		return 0, opError("write", err)
	}
	defer m.mu.RUnlock()
	n, err := m.copyGuarded("write", m.data[m.pos:], p, int(m.pos))
	m.pos += int64(n)
	return n, err
}

// WriteTo writes the map from the cursor to the end to w, straight from the
// mapped memory, and moves the cursor to the end, as io.WriterTo; io.Copy
// uses it. A fault while w reads the memory is returned as a *FaultError.
// w must not call Close or Resize on this Map.
func (m *Map) WriteTo(w io.Writer) (int64, error) {
	if err := nilArg("io.Writer", w); err != nil {
		return 0, opError("write to", err)
	}
	if err := m.enter("write to"); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	m.lastRead = 0
	var total int64
	start := m.pos
	const chunk = 1 << 20 // bounds how much one w.Write may have consumed when a fault strikes
	for m.pos < int64(len(m.data)) {
		p := m.data[m.pos:min(m.pos+chunk, int64(len(m.data)))]
		var n int
		var werr error
		if err := m.guardCaller("write to", int(m.pos), func() { n, werr = w.Write(p) }, true); err != nil {
			return total, err
		}
		m.pos += int64(n)
		total += int64(n)
		if werr != nil {
			if kindOf(werr) == errBadAddress {
				// w handed the memory to the kernel (an *os.File), which
				// met a page it could not read: the same fault.
				return total, m.kernelFault("write to", int(m.pos))
			}
			return total, werr
		}
		if n < len(p) {
			return total, io.ErrShortWrite
		}
	}
	// A writer that never reads what it is given (io.Discard) meets no
	// fault where the file was cut: say so as a reader would have met it,
	// with the count exact to the page, as for ReadAt.
	if total > 0 {
		if cut, ok := m.fileEndsBefore(len(m.data)); ok {
			end := (m.off+int64(cut)+int64(pageSize)-1)/int64(pageSize)*int64(pageSize) - m.off
			if end < m.pos {
				m.pos = max(end, start)
				return m.pos - start, &FaultError{Op: "write to", Offset: m.pos, Err: ErrTruncated}
			}
		}
	}
	return total, nil
}
