package mmap

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// linuxAdvice is the advice only Linux has.
func linuxAdvice(a Advice) (int, bool) {
	switch a {
	case AdviceHugePage:
		return unix.MADV_HUGEPAGE, true
	case AdviceNoHugePage:
		return unix.MADV_NOHUGEPAGE, true
	case AdvicePopulateRead:
		return unix.MADV_POPULATE_READ, true
	case AdvicePopulateWrite:
		return unix.MADV_POPULATE_WRITE, true
	}
	return 0, false
}

// remap changes the size of a region in place or by moving it (mremap), so
// the pages already faulted in stay mapped. Both sizes are non-zero.
func (r *region) remap(f *os.File, off int64, size int, mode Mode) error {
	addr, err := unix.MremapPtr(r.addr, uintptr(r.size), nil, uintptr(size), unix.MREMAP_MAYMOVE)
	if err != nil {
		return err
	}
	r.addr, r.size = unsafe.Pointer(addr), size
	return nil
}

// syncFile finishes what flush began; on Linux msync(MS_SYNC) already
// writes data and the metadata needed to read it back (the file size).
func syncFile(f *os.File) error { return nil }
