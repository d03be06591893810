// Package mmap maps files and anonymous memory into the address space, with
// everything Python's mmap module offers and the safety Go programs expect.
//
// A Map is both string-like and file-like, as in Python: Bytes, At, Find,
// RFind, ReadAt and WriteAt work on offsets and never move the cursor, while
// Read, ReadLine, Write and Seek move it. Every method returns an error
// instead of panicking or crashing the process: a call after Close returns
// an error matching fs.ErrClosed, a range outside the map ErrRange, a write
// to a ReadOnly map ErrReadOnly, and a page that faults because another
// process truncated the file a *FaultError matching ErrTruncated.
//
// Errors have one of three types, as in package os (see errors.go): the
// functions that take a path or a file return *fs.PathError, the methods of
// a Map return *OpError, and a memory fault anywhere is a *FaultError.
//
// The methods that work on offsets (At, ReadAt, WriteAt, Find, RFind, Move,
// Flush, Advise, Guard, Len, Size, Bytes) are safe for concurrent use, also
// with Close and Resize, which wait for them. The cursor methods (Read,
// ReadByte, ReadRune, ReadLine, Seek, Write, WriteByte, WriteString,
// WriteTo) share one position and, like a bufio.Reader, must not be called
// from several goroutines at once.
package mmap

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// pageSize and granularity are read once; PageSize and
// AllocationGranularity return them, so that no caller can set a divisor
// to 0.
var (
	pageSize    = os.Getpagesize()
	granularity = allocationGranularity()
)

// PageSize returns the operating system's memory page size in bytes.
// Python: mmap.PAGESIZE.
func PageSize() int { return pageSize }

// AllocationGranularity returns the alignment in bytes the operating
// system requires of file offsets in a mapping: PageSize() on Unix, 64 KiB
// on Windows. This package aligns offsets itself, so callers need it only
// for tuning. Python: mmap.ALLOCATIONGRANULARITY.
func AllocationGranularity() int { return granularity }

// Map is a memory-mapped region of a file or of anonymous memory.
// The zero Map is not usable (its methods return fs.ErrInvalid); make one with Open, OpenFile, MapFile or
// Anonymous, and Close it when done.
type Map struct {
	// mu is held shared by every method that touches the mapping and
	// exclusively by Close and Resize, which unmap or move it.
	mu      sync.RWMutex
	closing atomic.Bool // set when Close starts, before it waits for mu
	closed  bool
	data    []byte     // the caller's view: res.reg without the alignment slack
	res     *resources // what Close, or the GC cleanup, releases
	off     int64      // file offset of data[0]
	mode    Mode
	grow    bool // writes past the end grow the file
	pos     int64
	// lastRead says what UnreadByte and UnreadRune may undo: -1 after
	// ReadByte, the rune's size after ReadRune, 0 after anything else.
	lastRead int
	cleanup  runtime.Cleanup
}

// resources is what a Map owns outside the Go heap. It lives apart from Map
// so that the GC cleanup can release it after the Map is unreachable.
type resources struct {
	reg   region
	slack int      // bytes between reg.addr and data[0]
	file  *os.File // a duplicate of the caller's descriptor; nil if anonymous
	stack []byte   // where the Map was made, when leak reports are on
	// shared is set for memory that other processes may map too (Shared,
	// OpenShared): what ShareWith hands to a child, and what Resize must
	// respect. See shared.go.
	shared *sharedMem
}

func (r *resources) release() error {
	err := r.reg.unmap()
	if r.file != nil {
		if cerr := r.file.Close(); err == nil {
			err = cerr
		}
		r.file = nil
	}
	if r.shared != nil {
		if serr := r.shared.close(); err == nil {
			err = serr
		}
		r.shared = nil
	}
	return err
}

// view returns the caller's slice of the region.
func (r *resources) view(length int) []byte {
	if length == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Add(r.reg.addr, r.slack)), length)
}

// Open maps the whole file at path read-only.
// Python: mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ).
// Errors are *fs.PathError values.
func Open(path string, opts ...Option) (*Map, error) {
	return OpenFile(path, ReadOnly, opts...)
}

// OpenFile opens the file at path with the access mode needs and maps it.
// The Map owns the descriptor it opened and closes it on Close.
// Errors are *fs.PathError values.
func OpenFile(path string, mode Mode, opts ...Option) (*Map, error) {
	f, err := openForMap(path, mode == ReadWrite)
	if err != nil {
		return nil, err
	}
	m, err := newFileMap(f, mode, buildOptions(opts), true)
	if err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "mmap", Path: path, Err: err}
	}
	return m, nil
}

// MapFile maps the open file f. By default the whole file is mapped; see
// WithOffset and WithLength. f must be open for reading, and for writing too
// when mode is ReadWrite. The Map duplicates f's descriptor, so the caller
// may close f at once.
//
// An empty file, or a range of length zero, gives a valid Map of length 0
// that can grow by Resize. Directories, FIFOs, sockets and pseudo files such
// as /proc/self/status give an error matching ErrNotMappable. Errors are
// *fs.PathError values with Op "mmap".
func MapFile(f *os.File, mode Mode, opts ...Option) (*Map, error) {
	if f == nil {
		return nil, &fs.PathError{Op: "mmap", Path: "", Err: fs.ErrInvalid}
	}
	m, err := newFileMap(f, mode, buildOptions(opts), false)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	return m, nil
}

// newFileMap maps f; owned says the Map may keep f itself, which saves the
// system calls of duplicating it (each costs 1-2 µs on a virtual machine).
func newFileMap(f *os.File, mode Mode, o options, owned bool) (*Map, error) {
	if !mode.valid() {
		return nil, fmt.Errorf("%w: mode %d", fs.ErrInvalid, int(mode))
	}
	if o.offset < 0 {
		return nil, rangeErr("negative offset %d", o.offset)
	}
	if o.length < -1 {
		return nil, rangeErr("negative length %d", o.length)
	}
	if o.grow && mode != ReadWrite {
		return nil, errGrowReadOnly
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if ft := fi.Mode().Type(); ft&(fs.ModeDir|fs.ModeNamedPipe|fs.ModeSocket) != 0 {
		return nil, fmt.Errorf("%w: %s is not a regular file or device", ErrNotMappable, fileKind(ft))
	}
	size := fi.Size()
	length := o.length
	if length <= 0 { // Python: length 0 maps the rest of the file
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%w: a device has no size: give WithLength", ErrNotMappable)
		}
		if o.offset > size {
			return nil, rangeErr("offset %d past the end of the %d-byte file", o.offset, size)
		}
		length = size - o.offset
	}
	if o.offset > math.MaxInt64-length {
		return nil, rangeErr("offset %d + length %d overflows", o.offset, length)
	}
	if end := o.offset + length; end > size && fi.Mode().IsRegular() {
		if !o.grow {
			return nil, rangeErr("range [%d, %d) ends past the end of the %d-byte file (use WithGrow to extend it)", o.offset, end, size)
		}
		if err := f.Truncate(end); err != nil {
			switch {
			case kindOf(err) == errInvalid: // the length is valid: f is not open for writing
				err = fmt.Errorf("%w: WithGrow needs a file open for writing: %w", fs.ErrPermission, err)
			case kindOf(err) == errTooLarge:
				err = fmt.Errorf("%w: range [%d, %d) ends past the largest file possible: %w", ErrRange, o.offset, end, err)
			}
			return nil, err
		}
	}
	gran := int64(granularity)
	aligned := o.offset - o.offset%gran
	slack := int(o.offset - aligned)
	if length > int64(math.MaxInt-slack) {
		return nil, rangeErr("length %d does not fit in memory", length)
	}

	dup := f
	if !owned {
		if dup, err = dupFile(f); err != nil {
			return nil, err
		}
	}
	res := &resources{file: dup, slack: slack}
	if length == 0 {
		if size == 0 && fi.Mode().IsRegular() {
			if err := probeEmpty(dup, mode); err != nil {
				res.release()
				return nil, fmt.Errorf("%w (a pseudo file?): %w", ErrNotMappable, err)
			}
		}
	} else {
		res.reg, err = mapFile(dup, aligned, slack+int(length), mode)
		if err != nil {
			res.release()
			if kindOf(err) == errNoDevice {
				err = fmt.Errorf("%w: %w", ErrNotMappable, err)
			}
			return nil, err
		}
	}
	m := newMap(res, int(length), o.offset, mode, o.grow)
	if err := m.applyOptions(o); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func fileKind(t fs.FileMode) string {
	switch {
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeNamedPipe != 0:
		return "a FIFO"
	}
	return "a socket"
}

// Anonymous maps n bytes of zeroed memory that belong to no file. It is
// private: a child process does not share it. n may be 0.
// Python: mmap.mmap(-1, n) (which is shared across fork; Go has no fork).
// Errors are *OpError values.
func Anonymous(n int, opts ...Option) (*Map, error) {
	if n < 0 {
		return nil, opError("anonymous", rangeErr("negative length %d", n))
	}
	o := buildOptions(opts)
	res := &resources{}
	if n > 0 {
		reg, err := mapAnonymous(n)
		if err != nil {
			return nil, opError("anonymous", err)
		}
		res.reg = reg
	}
	m := newMap(res, n, 0, ReadWrite, false)
	if err := m.applyOptions(o); err != nil {
		m.Close()
		return nil, opError("anonymous", err)
	}
	return m, nil
}

func newMap(res *resources, length int, off int64, mode Mode, grow bool) *Map {
	m := &Map{res: res, data: res.view(length), off: off, mode: mode, grow: grow}
	if leakReports.Load() != nil {
		res.stack = captureStack()
	}
	m.cleanup = runtime.AddCleanup(m, releaseLeaked, res)
	return m
}

func (m *Map) applyOptions(o options) error {
	if o.hugePages {
		// A hint: kernels without transparent huge pages refuse it, and the
		// map works the same without.
		m.AdviseRange(AdviceHugePage, 0, len(m.data))
	}
	if o.populate {
		if err := m.AdviseRange(AdvicePopulateRead, 0, len(m.data)); err != nil {
			return err
		}
	}
	if o.lock {
		return m.Lock()
	}
	return nil
}

// enter is the preamble of every method that touches the mapping: it
// checks the Map, takes the shared lock, and returns the error already
// wrapped with op (an *OpError). When it returns nil the caller must call
// m.mu.RUnlock, usually deferred.
func (m *Map) enter(op string) error {
	if err := m.rlock(); err != nil {
		return &OpError{Op: op, Err: err}
	}
	return nil
}

// rlock takes the shared lock for a method that touches the mapping, and
// reports a nil, zero or closed Map.
func (m *Map) rlock() error {
	if m == nil {
		return errNilMap
	}
	if !m.mu.TryRLock() {
		// Close or Resize holds the lock or waits for it, and a waiting
		// writer blocks new readers. A Close is refused at once: a call
		// nested in a call that holds the Map open (a FindAll loop body, a
		// Guard callback) would otherwise wait for a Close that waits for
		// it (issue 9 item 7).
		if m.closing.Load() {
			return fs.ErrClosed
		}
		m.mu.RLock()
	}
	if m.closed || m.res == nil {
		m.mu.RUnlock()
		if m.res == nil { // a zero Map, not made by this package
			return errNilMap
		}
		return fs.ErrClosed
	}
	return nil
}

// Close unmaps the memory and closes the Map's descriptor. It waits for
// methods running in other goroutines to return first. Close is idempotent:
// calls after the first return nil. Slices from Bytes must not be used after
// Close; every method returns an error matching fs.ErrClosed.
//
// From the moment Close is called, methods called in other goroutines,
// and methods nested in a call that holds the Map open (a FindAll, Lines or
// Matches loop body, a Guard callback), return an error matching
// fs.ErrClosed at once; Close returns after the outer call ends. Close
// itself must not be called from inside such a loop body or callback of
// the same Map: it would wait for itself.
//
// Errors are *OpError values.
func (m *Map) Close() error {
	if m == nil {
		return opError("close", errNilMap)
	}
	if m.res == nil { // a zero Map, not made by this package
		return opError("close", errNilMap)
	}
	m.closing.Store(true) // before Lock: see rlock
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	m.cleanup.Stop()
	m.data = nil
	if err := m.res.release(); err != nil {
		return opError("close", err)
	}
	return nil
}

// Closed reports whether Close has been called. Python: m.closed.
func (m *Map) Closed() bool {
	if m == nil {
		return true
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.closed
}

// Len returns the length of the map in bytes, 0 after Close. Python: len(m).
func (m *Map) Len() int {
	if m.rlock() != nil {
		return 0
	}
	defer m.mu.RUnlock()
	return len(m.data)
}

// Bytes returns the mapped memory itself, without copying. The slice is
// valid until Close or Resize; using it afterwards is undefined behaviour
// that this package cannot catch. The slice does not keep the Map alive: a
// Map the program no longer refers to is unmapped by the garbage
// collector, so keep the Map reachable while the slice is in use (a
// deferred Close does that, or runtime.KeepAlive). Writing through it into a ReadOnly map
// crashes the process, and touching it after the file was truncated raises
// a fault: wrap such code in Guard to get an error instead.
// Bytes returns nil after Close.
func (m *Map) Bytes() []byte {
	if m.rlock() != nil {
		return nil
	}
	defer m.mu.RUnlock()
	return m.data
}

// Mode returns the mode the Map was made with.
func (m *Map) Mode() Mode {
	if m == nil {
		return ReadOnly
	}
	return m.mode
}

// Offset returns the file offset at which the map starts.
func (m *Map) Offset() int64 {
	if m == nil {
		return 0
	}
	return m.off
}

// Size returns the size of the underlying file now, which differs from Len
// when the map covers part of the file or the file changed size; for an
// anonymous map it returns Len. Python: m.size().
// Errors are *OpError values.
func (m *Map) Size() (int64, error) {
	if err := m.enter("size"); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	if m.res.file == nil {
		return int64(len(m.data)), nil
	}
	fi, err := m.res.file.Stat()
	if err != nil {
		return 0, opError("size", err)
	}
	return fi.Size(), nil
}

var (
	errGrowReadOnly = fmt.Errorf("%w: WithGrow needs a ReadWrite map", ErrReadOnly)
)
