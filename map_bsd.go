//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

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
	return 0, false
}

// remap has no mremap to call here: it maps the new size afresh and, for
// anonymous memory, copies the old contents over before unmapping them.
func (r *region) remap(f *os.File, off int64, size int, mode Mode) error {
	var next region
	var err error
	if f == nil {
		next, err = mapAnonymous(size)
		if err == nil {
			copy(next.bytes(0, size), r.bytes(0, min(size, r.size)))
		}
	} else {
		next, err = mapFile(f, off, size, mode)
	}
	if err != nil {
		return err
	}
	r.unmap()
	*r = next
	return nil
}

// syncFile makes a flush durable: msync alone leaves data in the drive's
// cache on darwin, where File.Sync issues F_FULLFSYNC.
func syncFile(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Sync()
}
