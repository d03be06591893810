package mmap

import (
	"errors"
	"os"
)

// The platform contract: what every port (map_unix.go with map_linux.go or
// map_bsd.go, map_windows.go, and map_other.go for the rest; shared_*.go
// for Shared memory) implements, and what each call must do. No other file
// mentions an operating system or an errno.
//
//	allocationGranularity() int
//		The alignment file offsets of a mapping need: the page size on Unix,
//		64 KiB on Windows.
//	mapFile(f *os.File, off int64, size int, mode Mode) (region, error)
//		Maps size > 0 bytes of f from off, a multiple of
//		allocationGranularity(); ReadOnly: read-only and shared; ReadWrite:
//		shared, writes reach the file; CopyOnWrite: private.
//	mapAnonymous(size int) (region, error)
//		Maps size > 0 bytes of zeroed private memory.
//	(*region).unmap() error
//		Unmaps and zeroes the region; a zero region is a no-op.
//	(region).flush(off, n int, async bool) error
//		Writes [off, off+n) back to the file, off page-aligned; waits
//		unless async (msync; FlushViewOfFile).
//	(region).advise(off, n int, a Advice) error
//		madvise, or an error matching errors.ErrUnsupported for advice the
//		platform lacks.
//	(region).lock(off, n int) error, (region).unlock(off, n int) error
//		mlock, munlock (VirtualLock, VirtualUnlock).
//	(*region).remap(f *os.File, off int64, size int, mode Mode) error
//		Changes the size of a region of either kind to size > 0, keeping
//		its contents up to the smaller size: mremap where the platform has
//		it, else remapByCopy. On failure the region is either unchanged or
//		zero (unmapped); Resize handles both.
//	syncFile(f *os.File) error
//		What a flush needs after region.flush to be on disk (F_FULLFSYNC
//		on darwin, FlushFileBuffers on Windows, nothing on Linux).
//	dupFile(f *os.File) (*os.File, error)
//		A new descriptor for the same open file, closed on exec.
//	probeEmpty(f *os.File, mode Mode) error
//		For a file of size 0: nil if it is a real empty file, an error if
//		it is a pseudo file (/proc) that cannot be mapped.
//	openForMap(path string, write bool) (*os.File, error)
//		Opens path for OpenFile without blocking on a FIFO; errors are
//		*fs.PathError.
//	osErrKinds []errKindOf
//		Which operating-system errors are which errKind, for kindOf.
//	remapCopiesFirst
//		Whether remapByCopy of a file maps the new view before unmapping
//		the old (Unix), or must unmap first (Windows, which cannot resize a
//		file under a view).
//	lockFault(err error) bool (lockfault_*.go)
//		Whether an error of region.lock can only mean a page that could
//		not be read in (mlock's ENOMEM when no memlock limit applies).
//
// The one-shot helpers and ReplaceFile have ports of their own:
//
//	openScan(path string) (scanSource, error) (oneshot_unix.go, oneshot_other.go)
//		Opens a file for FindInFile/CountInFile without blocking on a FIFO
//		and refuses what checkScannable refuses; scanSource's readAt
//		(pread, io.EOF at the end), mapFile and close.
//	reserveSpace(f *os.File, from, to int64) error (replace_linux.go, replace_bsd.go, replace_nounix.go)
//		Grows f to to bytes with [from, to) allocated (fallocate, else
//		writeZeros).
//	copyXattrs(dst, src *os.File) error (same files)
//		Copies the extended attributes and ACLs a rename would lose.
//	lockTemp, removeIfStale, renameTemp, keepOwner (replace_unix.go, replace_nounix.go)
//		Mark a replacement's temporary file as in use, remove one whose
//		maker died, rename it over the original, give it the original's
//		owner.

// errKind is what the neutral code needs to know of an operating-system
// error; kindOf in each port says which errnos are which.
type errKind int

const (
	errOther      errKind = iota
	errBadAddress         // a system call met mapped memory it could not read (EFAULT; ERROR_NOACCESS)
	errNoDevice           // the file system cannot map this file (ENODEV)
	errTooLarge           // past the largest file possible (EFBIG)
	errInvalid            // the call does not apply here (EINVAL): ftruncate of a read-only descriptor, unknown advice
)

type errKindOf struct {
	err  error
	kind errKind
}

// kindOf classifies err by the port's osErrKinds.
func kindOf(err error) errKind {
	for _, k := range osErrKinds {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return errOther
}

// remapByCopy is remap for ports without mremap: it maps the new size
// afresh and, for anonymous memory, copies the old contents over, then
// unmaps the old region.
func (r *region) remapByCopy(f *os.File, off int64, size int, mode Mode) error {
	if f == nil {
		next, err := mapAnonymous(size)
		if err != nil {
			return err
		}
		copy(next.bytes(0, size), r.bytes(0, min(size, r.size)))
		r.unmap()
		*r = next
		return nil
	}
	if !remapCopiesFirst {
		r.unmap()
	}
	next, err := mapFile(f, off, size, mode)
	if err != nil {
		return err
	}
	r.unmap()
	*r = next
	return nil
}
