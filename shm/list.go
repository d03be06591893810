package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"strconv"
	"sync"
)

// ShareableList is Python's multiprocessing.shared_memory.ShareableList: a
// fixed number of items (int64, float64, bool, nil, string, []byte) in a
// named segment, laid out byte for byte as CPython lays it out
// (list_layout.go), so that Go and Python programs share one list.
//
// Where Python is lax this is strict: indexes must be within
// [-Len(), Len()); a string or []byte longer than its item's capacity is
// an error that changes nothing; a value that cannot round-trip (an
// unsupported type, an integer beyond int64, a string that is not UTF-8,
// a string or []byte ending in a NUL byte, which Python strips: CPython
// gh-96779) is an error before anything is written or created.
//
// Concurrency: an item spans three places in Python's layout (its data,
// its 8-byte format and its 1-byte type code), and the layout has no spare
// word for a lock or a sequence counter, so no lock-free reader can tell a
// torn item from a whole one. Get and Set therefore hold a lock outside
// the segment, plus a mutex for the goroutines of one process: on Linux
// an advisory flock(2) on the segment's file (shared for Get, exclusive
// for Set), on Windows the named mutex Local\mmapkit.ShareableList.NAME.
// So among Go processes Get never sees an item half written by a Set
// (TestShareableListNoTornItems, on Linux), and the system releases the
// lock of a process that dies holding it. On macOS and FreeBSD flock does
// not apply to shared memory objects: there only the goroutines of one
// process are kept apart, and processes can tear items as Python's can.
// Python takes no lock, so a Python writer running at the same time as a
// Go reader (or the reverse) can still tear an item that changes type or
// length, exactly as between two Python processes.
type ShareableList struct {
	seg *Segment
	mu  sync.Mutex // one caller at a time: the flock belongs to the descriptor
	lay layout
}

// List errors. Errors from ShareableList's functions and methods are
// *fs.PathError values (Op "shm list get", "shm list set", ...) whose Err
// matches one of these, fs.ErrClosed after Close, or a Segment's errors.
var (
	// ErrIndex: the index is outside [-Len(), Len()). Python: IndexError.
	ErrIndex = errors.New("index out of range")
	// ErrCapacity: a string or []byte is longer than the item's capacity,
	// fixed when the list was made. Python: ValueError.
	ErrCapacity = errors.New("value exceeds the item's capacity")
	// ErrItemType: the value is of a type a ShareableList cannot hold, or
	// one that would not read back the same (see ShareableList).
	ErrItemType = errors.New("value cannot be stored in a ShareableList")
	// ErrLayout: the segment does not hold what Python's ShareableList
	// writes (its header or an item's format or code is not one Python
	// makes).
	ErrLayout = errors.New("not a ShareableList layout")
)

// NewShareableList creates a segment holding items, laid out as Python's
// ShareableList(items, name=name) lays them out, and attaches it. An
// empty name picks a random one, as Create does. A string or []byte item's
// capacity is its length in bytes rounded up to the next multiple of 8 (7
// bytes give 8, 8 give 16), as in Python; for a non-ASCII string that is
// more than Python gives, which counts characters and silently cuts the
// UTF-8 short (CPython gh-145261), and Python reads the list all the same. The segment is
// 8*(2*len(items)+2) + len(items) bytes plus the capacities. Every item is
// checked before the segment is created: an item of an unsupported type,
// or one that could not read back the same, is an error matching
// ErrItemType and creates nothing. opts are Create's (Tracked, WithPerm).
func NewShareableList(name string, items []any, opts ...Option) (*ShareableList, error) {
	fail := func(err error) (*ShareableList, error) {
		return nil, &fs.PathError{Op: "shm list create", Path: name, Err: err}
	}
	enc := make([]item, len(items))
	for i, v := range items {
		it, err := encode(v, 0)
		if err != nil {
			return fail(fmt.Errorf("item %d: %w", i, err))
		}
		enc[i] = it
	}
	lay, size, err := newLayout(enc)
	if err != nil {
		return fail(err)
	}
	o := buildOptions(opts)
	o.keepFile = true
	s, err := create1(name, size, o)
	if err != nil {
		return nil, err
	}
	l := &ShareableList{seg: s, lay: lay}
	if err := l.locked(true, func() error { return lay.writeAll(s.m, enc) }); err != nil {
		s.Close()
		s.Unlink()
		return fail(err)
	}
	return l, nil
}

// OpenShareableList attaches to the list in segment name, made by
// NewShareableList or by Python's ShareableList, and checks its header:
// a segment that does not hold one is an error matching ErrLayout. opts
// are Open's (WithAccess(mmap.ReadOnly) makes Set fail).
// Python: ShareableList(name=name).
func OpenShareableList(name string, opts ...Option) (*ShareableList, error) {
	o := buildOptions(opts)
	o.keepFile = true
	s, err := open1(name, o)
	if err != nil {
		return nil, err
	}
	l := &ShareableList{seg: s}
	err = l.locked(false, func() (err error) {
		l.lay, err = readLayout(s.m)
		return err
	})
	if err != nil {
		s.Close()
		return nil, &fs.PathError{Op: "shm list open", Path: name, Err: err}
	}
	return l, nil
}

// locked runs fn holding the list's mutex and the segment's advisory
// lock, exclusive or shared.
func (l *ShareableList) locked(exclusive bool, fn func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seg.m.Closed() {
		return fs.ErrClosed
	}
	h := l.seg.h
	if h != nil {
		if err := h.lock(exclusive); err != nil {
			return err
		}
		defer h.unlock()
	}
	return fn()
}

// Len returns the number of items, fixed when the list was made.
// Python: len(sl).
func (l *ShareableList) Len() int { return l.lay.n }

// index turns a Python index (negative: from the end) into a position.
func (l *ShareableList) index(i int) (int, error) {
	if i < -l.lay.n || i >= l.lay.n {
		return 0, fmt.Errorf("%w: index %d, length %d", ErrIndex, i, l.lay.n)
	}
	if i < 0 {
		i += l.lay.n
	}
	return i, nil
}

// Get returns item i (negative i counts from the end) as an int64,
// float64, bool, nil, string or []byte (a copy). An index outside
// [-Len(), Len()) is an error matching ErrIndex; an item whose bytes are
// not what Python writes, ErrLayout; after Close, fs.ErrClosed.
// Python: sl[i].
func (l *ShareableList) Get(i int) (any, error) {
	var v any
	err := func() error {
		p, err := l.index(i)
		if err != nil {
			return err
		}
		return l.locked(false, func() (err error) {
			v, err = l.lay.get(l.seg.m, p)
			return err
		})
	}()
	if err != nil {
		return nil, &fs.PathError{Op: "shm list get", Path: l.seg.name, Err: err}
	}
	return v, nil
}

// Set stores v as item i (negative i counts from the end), with Python's
// rules: any item may take an int64 (or any Go integer that fits one),
// float64 (or float32), bool or nil, and a string or []byte up to the
// item's capacity. Errors, which leave the list unchanged: ErrIndex,
// ErrCapacity, ErrItemType, mmap.ErrReadOnly for a list opened read-only,
// fs.ErrClosed after Close. Python: sl[i] = v.
func (l *ShareableList) Set(i int, v any) error {
	err := func() error {
		p, err := l.index(i)
		if err != nil {
			return err
		}
		it, err := encode(v, l.lay.capacity(p))
		if err != nil {
			return err
		}
		return l.locked(true, func() error { return l.lay.set(l.seg.m, p, it) })
	}()
	if err != nil {
		return &fs.PathError{Op: "shm list set", Path: l.seg.name, Err: err}
	}
	return nil
}

// All returns an iterator over the items in order, each with nil or the
// error Get(i) gave; iteration stops after an error. Each item is read
// under its own lock: the items are each whole, not a snapshot of the
// list at one instant. Python: iter(sl).
func (l *ShareableList) All() iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		for i := range l.lay.n {
			v, err := l.Get(i)
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// Format returns the struct formats of all items joined, such as
// "8s8sdqxxxxxx?xxxxxxxx?q" for Python's example list: they change as
// Set changes an item's type. After Close it returns "".
// Python: sl.format.
func (l *ShareableList) Format() string {
	var f string
	l.locked(false, func() (err error) {
		f, err = l.lay.format(l.seg.m)
		return err
	})
	return f
}

// Name returns the name of the list's segment. Python: sl.shm.name.
func (l *ShareableList) Name() string { return l.seg.name }

// Close detaches the list, as Segment.Close; it is idempotent.
// Python: sl.shm.close().
func (l *ShareableList) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seg.Close()
}

// Unlink removes the list's name, as Segment.Unlink. Python: sl.shm.unlink().
func (l *ShareableList) Unlink() error { return l.seg.Unlink() }

// String returns a description like Python's repr, with the items:
// ShareableList(["a", 1, <nil>], name="psm_...").
func (l *ShareableList) String() string {
	b := []byte("ShareableList([")
	i := 0
	for v, err := range l.All() {
		if i > 0 {
			b = append(b, ", "...)
		}
		i++
		if err != nil {
			b = append(b, "<error>"...)
			break
		}
		switch v := v.(type) {
		case string:
			b = strconv.AppendQuote(b, v)
		case []byte:
			b = append(b, 'b')
			b = strconv.AppendQuote(b, string(v))
		default:
			b = fmt.Appendf(b, "%v", v)
		}
	}
	b = append(b, "], name="...)
	b = strconv.AppendQuote(b, l.seg.name)
	return string(append(b, ')'))
}
