//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"errors"
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
