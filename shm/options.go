package shm

import (
	"fmt"
	"io/fs"

	"github.com/mmapkit/mmap"
)

// An Option configures Create, Open, NewShareableList and
// OpenShareableList.
type Option func(*options)

type options struct {
	perm    fs.FileMode
	access  mmap.Mode
	tracked bool
	// keepFile keeps the segment's descriptor open after mapping, for the
	// advisory lock of a ShareableList and for the identity a tracker
	// records. Plain segments close it: they cost one descriptor less.
	keepFile bool
}

// WithPerm sets the permission bits of a segment that Create makes; the
// default is 0600, as in Python. As with shm_open(3), the process's umask
// applies. Open ignores it. Bits other than fs.ModePerm make Create fail
// with an error matching fs.ErrInvalid.
// POSIX: the mode argument of shm_open(name, O_CREAT|O_EXCL|O_RDWR, mode).
func WithPerm(perm fs.FileMode) Option { return func(o *options) { o.perm = perm } }

// WithAccess sets how Open maps the segment: mmap.ReadWrite (the default),
// mmap.ReadOnly (the segment then needs only read permission, and writing
// methods return mmap.ErrReadOnly) or mmap.CopyOnWrite (changes stay in
// this process). Create and NewShareableList accept only mmap.ReadWrite;
// anything else makes them fail with an error matching fs.ErrInvalid.
// POSIX: O_RDONLY or O_RDWR to shm_open, PROT_READ or PROT_READ|PROT_WRITE
// and MAP_SHARED or MAP_PRIVATE to mmap.
func WithAccess(mode mmap.Mode) Option { return func(o *options) { o.access = mode } }

// Tracked makes Create and NewShareableList register the new segment with
// a tracker process that unlinks it when the creating process exits,
// however it exits (SIGKILL included), unless Unlink removed it first. The
// package documentation says how it works and what it costs. Open and
// OpenShareableList ignore it: attaching never makes a segment die with the
// attacher (Python's gh-82300). Python: the resource tracker that
// SharedMemory(create=True) registers with.
func Tracked() Option { return func(o *options) { o.tracked = true } }

func buildOptions(opts []Option) options {
	o := options{perm: 0o600, access: mmap.ReadWrite}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// checkCreate validates the options of a call that creates a segment.
func (o options) checkCreate() error {
	if o.perm&^fs.ModePerm != 0 {
		return fmt.Errorf("%w: mode %v is not permission bits", fs.ErrInvalid, o.perm)
	}
	if o.access != mmap.ReadWrite {
		return fmt.Errorf("%w: a new segment is mapped ReadWrite, not %v", fs.ErrInvalid, o.access)
	}
	return nil
}

// checkOpen validates the options of a call that attaches a segment.
func (o options) checkOpen() error {
	switch o.access {
	case mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite:
		return nil
	}
	return fmt.Errorf("%w: access %v", fs.ErrInvalid, o.access)
}
