//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

func allocationGranularity() int { return os.Getpagesize() }

func mapFile(f *os.File, off int64, size int, mode Mode) (region, error) {
	prot, flags := unix.PROT_READ, unix.MAP_SHARED
	switch mode {
	case ReadWrite:
		prot |= unix.PROT_WRITE
	case CopyOnWrite:
		prot |= unix.PROT_WRITE
		flags = unix.MAP_PRIVATE
	}
	addr, err := unix.MmapPtr(int(f.Fd()), off, nil, uintptr(size), prot, flags)
	if err != nil {
		return region{}, err
	}
	return region{addr: addr, size: size}, nil
}

func mapAnonymous(size int) (region, error) {
	addr, err := unix.MmapPtr(-1, 0, nil, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return region{}, err
	}
	return region{addr: addr, size: size}, nil
}

func (r *region) unmap() error {
	if r.addr == nil {
		return nil
	}
	err := unix.MunmapPtr(r.addr, uintptr(r.size))
	*r = region{}
	return err
}

// flush writes [off, off+n) back to the file; off is page-aligned.
func (r region) flush(off, n int, async bool) error {
	flags := unix.MS_SYNC
	if async {
		flags = unix.MS_ASYNC
	}
	return unix.Msync(r.bytes(off, n), flags)
}

func adviceFlag(a Advice) (int, bool) {
	switch a {
	case AdviceNormal:
		return unix.MADV_NORMAL, true
	case AdviceRandom:
		return unix.MADV_RANDOM, true
	case AdviceSequential:
		return unix.MADV_SEQUENTIAL, true
	case AdviceWillNeed:
		return unix.MADV_WILLNEED, true
	case AdviceDontNeed:
		return unix.MADV_DONTNEED, true
	}
	return linuxAdvice(a)
}

func (r region) advise(off, n int, a Advice) error {
	flag, ok := adviceFlag(a)
	if !ok {
		return errors.ErrUnsupported
	}
	return unix.Madvise(r.bytes(off, n), flag)
}

func (r region) lock(off, n int) error   { return unix.Mlock(r.bytes(off, n)) }
func (r region) unlock(off, n int) error { return unix.Munlock(r.bytes(off, n)) }

// dupFile gives the map its own descriptor, so that it outlives the caller's
// *os.File and Flush never acts on a descriptor the caller closed or reused.
func dupFile(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// osErrKinds classifies the errnos the neutral code must tell apart.
var osErrKinds = []errKindOf{
	{unix.EFAULT, errBadAddress},
	{unix.ENODEV, errNoDevice},
	{unix.EFBIG, errTooLarge},
	{unix.EINVAL, errInvalid},
}

// remapCopiesFirst: a file may change size under a Unix mapping.
const remapCopiesFirst = true

// probeEmpty tells a real empty file from a pseudo file (/proc, /sys) that
// reports size 0 yet has contents and cannot be mapped: POSIX lets a map
// extend past the end of a file, so only the pseudo file refuses.
func probeEmpty(f *os.File, mode Mode) error {
	probe, err := mapFile(f, 0, os.Getpagesize(), mode)
	if err != nil {
		return err
	}
	return probe.unmap()
}

// openForMap opens path for OpenFile with the bare system call: os.OpenFile
// would also try to register the descriptor with the network poller, which
// fails for files after costing three more system calls. O_NONBLOCK makes
// opening a FIFO return at once, so that it is refused as not mappable
// instead of blocking until a writer comes; a mapping ignores the flag.
func openForMap(path string, write bool) (*os.File, error) {
	flags := unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK
	if write {
		flags = unix.O_RDWR | unix.O_CLOEXEC | unix.O_NONBLOCK
	}
	for {
		fd, err := unix.Open(path, flags, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
