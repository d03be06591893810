//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package mmap

import "os"

// linuxAdvice: these systems have only POSIX's advice.
func linuxAdvice(a Advice) (int, bool) { return 0, false }

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
