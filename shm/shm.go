// Package shm is named shared memory: Python's
// multiprocessing.shared_memory (SharedMemory, ShareableList and the
// resource tracker) in Go.
//
// A Segment is a block of memory with a name that any process on the
// machine may attach by that name, mapped with the root package's Map so
// that every Map method, and its guard against faults, works on it.
// Create makes a segment (exclusively, like O_CREAT|O_EXCL), Open attaches
// to an existing one and finds its size, Close detaches, and Unlink removes
// the name; the memory lives on until the last process detaches. A
// ShareableList is Python's ShareableList, byte for byte, in a segment.
//
// # Platforms
//
// On Linux a segment NAME is the file /dev/shm/NAME, the namespace of
// shm_open("/NAME") and of Python's SharedMemory("NAME"), so Go and Python
// programs share segments and lists (tested both ways). On macOS it is the
// POSIX object "/NAME" of libSystem's shm_open, called without cgo the
// way golang.org/x/sys calls libc (names of at most 31 bytes); on FreeBSD
// the object of the shm_open2 system call. Those two ports are compiled,
// vetted and linked in CI but were not run: no macOS or FreeBSD machine
// ran the tests. On Windows a segment is the pagefile-backed section Local\NAME,
// which disappears when the last process closes it (Unlink is a no-op
// there, as in Python). OpenBSD, NetBSD and DragonFly implement shm_open
// inside libc only: there every call returns an error matching
// errors.ErrUnsupported, and the root package's Shared gives memory to
// child processes instead. List works on Linux only.
//
// # Tracked segments
//
// Nothing unlinks a segment when the process that made it exits, unless
// it was made with the Tracked option; otherwise call Unlink, or the
// segment stays until reboot. Python tracks every segment, and also every
// one a process merely attached (gh-82300); here tracking is opt-in and
// only for the creator.
//
// A tracked segment is unlinked by a tracker process when its creator
// exits, however it exits. The design, and why:
//
//   - Something must outlive the creator: a SIGKILL runs no code in the
//     killed process, and Linux has no "unlink this name when I die". So
//     the first Tracked call starts a tracker process, one per creating
//     process, as Python's resource tracker is.
//   - The tracker is this program's own executable (/proc/self/exe on
//     Linux), started with the environment variable MMAPKIT_SHM_TRACKER=1;
//     this package's init function sees it and runs the tracker instead of
//     the program. Any program that can call Tracked imports this package,
//     so the hook is always there; no helper binary, shell or cgo fork is
//     needed. The price: the package initializers that Go runs before this
//     package's also run in the tracker, so they should have no outside
//     effects (most have none).
//   - The creator's death is the end of a pipe: the tracker's standard
//     input is the read end, the write end is held by the creator alone
//     (close-on-exec). The kernel closes it when the creator exits for any
//     reason (or replaces itself with syscall.Exec, which counts as an
//     exit); the tracker wakes on EOF, with no polling, unlinks what it
//     still tracks and exits, so a segment is gone moments after its
//     creator (milliseconds, not at once: ls right after the exit may still
//     see it). PR_SET_PDEATHSIG or a pidfd would tell the tracker the same,
//     but Linux only, and a pipe needs neither a parent-child relation nor
//     any care about which thread started the child.
//   - It does not unlink what is no longer ours: the tracker records the
//     device and inode numbers of each segment and, before it unlinks a
//     name, checks that the name still has them, so a segment that another
//     program unlinked and recreated under the same name is left alone. A
//     window of microseconds remains between that check and the unlink
//     (POSIX has no "unlink if it is still this inode"); and a kill between
//     the creation and the message to the tracker, also microseconds, leaks
//     the segment as if it were untracked.
//   - It leaves no process behind: it exits at the EOF, and Unlink of the
//     last tracked segment closes the pipe, so a tracker exists only while
//     something is tracked. It runs in its own session and ignores SIGINT,
//     SIGTERM and SIGHUP (from the moment its init runs, milliseconds
//     after the first Tracked call), so that a ^C to the creator's process
//     group does not kill it before its work; SIGKILL sent to the tracker
//     itself leaves tracked segments in place.
//   - Untracked segments cost nothing: no process, and the only work is
//     one environment lookup at program start and one atomic load in
//     Unlink.
//
// Tracked works where a segment has an inode number: Linux and FreeBSD.
// On macOS, whose shared memory objects report no inode number (XNU's
// pshm_stat fills in the mode, owner and size only), Create with Tracked
// fails with an error matching errors.ErrUnsupported; on Windows it is not
// needed (a section dies with its last handle), and fails the same way.
//
// # Errors
//
// Errors are *fs.PathError values with Op "shm create", "shm open",
// "shm unlink", "shm list", or "shm list create", "shm list open",
// "shm list get", "shm list set" for a ShareableList, and match
// fs.ErrExist, fs.ErrNotExist, fs.ErrInvalid (bad names, sizes, options,
// or something under the name that is not a segment, such as a FIFO, which
// Open refuses at once instead of waiting for a writer), fs.ErrPermission,
// syscall.ENOSPC (no room in /dev/shm: Create reserves the memory first),
// or the ShareableList errors ErrIndex, ErrCapacity, ErrItemType and
// ErrLayout.
package shm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/mmapkit/mmap"
)

// Segment is a named shared memory segment attached to this process.
// Its methods are safe for concurrent use.
type Segment struct {
	name     string
	size     int64
	m        *mmap.Map
	mu       sync.Mutex
	h        *handle // nil unless the caller needs the descriptor
	unlinked bool
}

// Info describes a segment that exists, as List reports it.
type Info struct {
	Name string      // the name, as Open takes it
	Size int64       // in bytes
	Mode fs.FileMode // type and permission bits
}

// randomPrefix is how generated names start, as in Python.
const randomPrefix = "psm_"

// Create makes a new segment of size bytes, zero-filled, and attaches it
// read-write. It fails with an error matching fs.ErrExist if the name is
// taken. An empty name makes Create pick a free random name like Python's,
// "psm_" and 8 hex digits; Name reports it. A leading "/" is dropped, so
// "/x" and "x" name the same segment. size must be positive.
//
// On Linux Create allocates the segment's pages at once (fallocate), so
// that a /dev/shm without room for size bytes fails here, with an error
// matching syscall.ENOSPC, instead of killing the process with SIGBUS at
// the first write; the memory is then in use (the Shmem of
// /proc/meminfo) from the start, not page by page as it is touched.
//
// With Tracked, the segment is unlinked when this process exits unless
// Unlink came first; if the tracker cannot be started, Create fails and
// makes nothing. Tracked on a platform that cannot track (see the package
// documentation) fails with an error matching errors.ErrUnsupported.
// Python: SharedMemory(name, create=True, size=size).
// POSIX: shm_open(name, O_CREAT|O_EXCL|O_RDWR, 0600), then ftruncate.
func Create(name string, size int64, opts ...Option) (*Segment, error) {
	return create1(name, size, buildOptions(opts))
}

func create1(name string, size int64, o options) (*Segment, error) {
	fail := func(err error) (*Segment, error) {
		return nil, &fs.PathError{Op: "shm create", Path: name, Err: err}
	}
	if size <= 0 || size > math.MaxInt {
		return fail(fmt.Errorf("%w: size %d must be positive and fit in memory", fs.ErrInvalid, size))
	}
	if err := o.checkCreate(); err != nil {
		return fail(err)
	}
	if o.tracked && !trackable {
		return fail(errNotTrackable)
	}
	if name != "" {
		n, err := checkName(name)
		if err != nil {
			return fail(err)
		}
		s, err := newSegment(n, size, o)
		if err != nil {
			return fail(err)
		}
		return s, nil
	}
	for range 100 {
		s, err := newSegment(randomName(), size, o)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fail(err)
		}
		return s, nil
	}
	return fail(fmt.Errorf("%w: no free random name", fs.ErrExist))
}

// newSegment creates the segment name and, when o says so, has the
// tracker record it before anyone can see the Segment.
func newSegment(name string, size int64, o options) (*Segment, error) {
	m, h, err := create(name, size, o)
	if err != nil {
		return nil, err
	}
	s := &Segment{name: name, size: size, m: m, h: h}
	if o.tracked {
		err := func() error {
			id, err := h.id()
			if err != nil {
				return err
			}
			return track(name, id)
		}()
		if err != nil {
			s.Close()
			unlink(name)
			return nil, err
		}
	}
	if h != nil && !o.keepFile {
		s.h = nil
		h.close()
	}
	return s, nil
}

// Open attaches to the existing segment name, read-write unless
// WithAccess says otherwise, and finds its size. It never changes the
// segment. A missing name is an error matching fs.ErrNotExist; an empty
// segment (one whose creator has not sized it yet), or something under the
// name that is not a segment (such as a FIFO, which Open never waits on),
// fs.ErrInvalid. Python: SharedMemory(name).
// POSIX: shm_open(name, O_RDWR, 0), fstat, mmap.
func Open(name string, opts ...Option) (*Segment, error) {
	return open1(name, buildOptions(opts))
}

func open1(name string, o options) (*Segment, error) {
	fail := func(err error) (*Segment, error) {
		return nil, &fs.PathError{Op: "shm open", Path: name, Err: err}
	}
	if err := o.checkOpen(); err != nil {
		return fail(err)
	}
	o.tracked = false // attaching never tracks
	n, err := checkName(name)
	if err != nil {
		return fail(err)
	}
	m, size, h, err := open(n, o)
	if err != nil {
		return fail(err)
	}
	return &Segment{name: n, size: size, m: m, h: h}, nil
}

// Unlink removes the name of a segment, so that it can no longer be
// opened; processes attached to it keep it until they Close. A missing name
// is an error matching fs.ErrNotExist. On Windows it does nothing. If this
// process created name with Tracked, the tracker forgets it.
// Python: shared_memory.SharedMemory(name).unlink(). POSIX: shm_unlink.
func Unlink(name string) error {
	n, err := checkName(name)
	if err == nil {
		err = unlink(n)
		forget(n)
	}
	if err != nil {
		return &fs.PathError{Op: "shm unlink", Path: name, Err: err}
	}
	return nil
}

// List returns the segments that exist, sorted by name. On Linux these are
// the regular files in /dev/shm, which include POSIX semaphores ("sem.*").
// Elsewhere it returns an error matching errors.ErrUnsupported. Python
// has none; the shell's is ls /dev/shm.
func List() ([]Info, error) {
	infos, err := list()
	if err != nil {
		return nil, &fs.PathError{Op: "shm list", Path: "", Err: err}
	}
	return infos, nil
}

// Bytes returns the segment's memory itself, without copying, as
// Map().Bytes(): valid until Close, nil afterwards. Python: shm.buf.
func (s *Segment) Bytes() []byte { return s.m.Bytes() }

// Map returns the Map of the segment, for ReadAt, WriteAt, Find, Guard,
// Flush, mmap.AtomicUint64 and the rest. After Close its methods return
// errors matching fs.ErrClosed. Closing the Map closes the Segment.
func (s *Segment) Map() *mmap.Map { return s.m }

// Name returns the segment's name without the leading "/".
// Python: shm.name.
func (s *Segment) Name() string { return s.name }

// Size returns the segment's size in bytes: what Create was asked for, or
// what Open found (on Windows and macOS rounded up to whole pages, as in
// Python).
// It stays readable after Close. Python: shm.size.
func (s *Segment) Size() int64 { return s.size }

// Close detaches the segment from this process; it does not unlink it,
// nor does it make the tracker forget a Tracked segment. Close is
// idempotent. Python: shm.close(). POSIX: munmap, close.
func (s *Segment) Close() error {
	err := s.m.Close()
	s.mu.Lock()
	if s.h != nil {
		if herr := s.h.close(); err == nil {
			err = herr
		}
		s.h = nil
	}
	s.mu.Unlock()
	if err != nil {
		return &fs.PathError{Op: "shm close", Path: s.name, Err: err}
	}
	return nil
}

// Unlink removes the segment's name, as the function Unlink, and may be
// called before or after Close. A second call returns an error matching
// fs.ErrNotExist without touching the name, which may by then belong to a
// new segment. A Tracked segment's tracker forgets it.
// Python: shm.unlink(). POSIX: shm_unlink.
func (s *Segment) Unlink() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unlinked {
		return &fs.PathError{Op: "shm unlink", Path: s.name, Err: fmt.Errorf("%w: already unlinked", fs.ErrNotExist)}
	}
	s.unlinked = true
	err := unlink(s.name)
	// After the unlink, not before: a death in between leaves the tracker
	// to find the name gone or someone else's, and to leave it alone.
	forget(s.name)
	if err != nil {
		return &fs.PathError{Op: "shm unlink", Path: s.name, Err: err}
	}
	return nil
}

// String returns a description like Python's repr:
// shm.Segment("name", size=4096).
func (s *Segment) String() string {
	return "shm.Segment(" + strconv.Quote(s.name) + ", size=" + strconv.FormatInt(s.size, 10) + ")"
}

// checkName strips one leading "/" from name and checks what is left: not
// empty, no "/" (or whatever else the platform forbids), not "." or "..",
// no NUL, and at most maxNameLen bytes. Errors match fs.ErrInvalid.
func checkName(name string) (string, error) {
	n := strings.TrimPrefix(name, "/")
	switch {
	case n == "":
		return "", fmt.Errorf("%w: empty name", fs.ErrInvalid)
	case n == "." || n == "..":
		return "", fmt.Errorf("%w: %q is not a name", fs.ErrInvalid, n)
	case strings.IndexByte(n, 0) >= 0:
		return "", fmt.Errorf("%w: name contains NUL", fs.ErrInvalid)
	case strings.ContainsAny(n, badNameChars):
		return "", fmt.Errorf("%w: name contains one of %q after the leading /", fs.ErrInvalid, badNameChars)
	case len(n) > maxNameLen:
		return "", fmt.Errorf("%w: name is %d bytes, longer than %d", fs.ErrInvalid, len(n), maxNameLen)
	}
	return n, nil
}

// randomName returns "psm_" and 8 random hex digits, as Python's
// _make_filename: 12 bytes, short enough for every platform.
func randomName() string {
	var b [4]byte
	rand.Read(b[:])
	return randomPrefix + hex.EncodeToString(b[:])
}
