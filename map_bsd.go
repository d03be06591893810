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

// remap: these systems have no mremap.
func (r *region) remap(f *os.File, off int64, size int, mode Mode) error {
	return r.remapByCopy(f, off, size, mode)
}

// syncFile makes a flush durable: msync alone leaves data in the drive's
// cache on darwin, where File.Sync issues F_FULLFSYNC.
func syncFile(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Sync()
}
