package mmap

import (
	"errors"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// allocationGranularity is 64 KiB on every Windows release; MapViewOfFile
// offsets must be multiples of it, not of the 4 KiB page size.
func allocationGranularity() int { return 64 << 10 }

func mapFile(f *os.File, off int64, size int, mode Mode) (region, error) {
	prot, access := uint32(windows.PAGE_READONLY), uint32(windows.FILE_MAP_READ)
	switch mode {
	case ReadWrite:
		prot, access = windows.PAGE_READWRITE, windows.FILE_MAP_WRITE
	case CopyOnWrite:
		prot, access = windows.PAGE_WRITECOPY, windows.FILE_MAP_COPY
	}
	end := uint64(off) + uint64(size)
	h, err := windows.CreateFileMapping(windows.Handle(f.Fd()), nil, prot, uint32(end>>32), uint32(end), nil)
	if err != nil {
		return region{}, os.NewSyscallError("CreateFileMapping", err)
	}
	return mapView(h, access, off, size)
}

// mapView maps a view of h and closes h on every path: the view keeps the
// section alive by itself.
func mapView(h windows.Handle, access uint32, off int64, size int) (region, error) {
	defer windows.CloseHandle(h)
	addr, err := windows.MapViewOfFile(h, access, uint32(uint64(off)>>32), uint32(off), uintptr(size))
	if err != nil {
		return region{}, os.NewSyscallError("MapViewOfFile", err)
	}
	// The view is outside the Go heap; converting through a pointer keeps
	// vet's uintptr-to-Pointer check quiet without changing the value.
	return region{addr: *(*unsafe.Pointer)(unsafe.Pointer(&addr)), size: size}, nil
}

func mapAnonymous(size int) (region, error) {
	n := uint64(size)
	h, err := windows.CreateFileMapping(windows.InvalidHandle, nil, windows.PAGE_READWRITE, uint32(n>>32), uint32(n), nil)
	if err != nil {
		return region{}, os.NewSyscallError("CreateFileMapping", err)
	}
	return mapView(h, windows.FILE_MAP_WRITE, 0, size)
}

func (r *region) unmap() error {
	if r.addr == nil {
		return nil
	}
	err := windows.UnmapViewOfFile(uintptr(r.addr))
	*r = region{}
	return err
}

func (r region) flush(off, n int, async bool) error {
	return windows.FlushViewOfFile(uintptr(r.addr)+uintptr(off), uintptr(n))
}

// advise: Windows has no madvise; AdvicePopulateRead is served by the
// platform-neutral code, which touches every page.
func (r region) advise(off, n int, a Advice) error { return errors.ErrUnsupported }

func (r region) lock(off, n int) error {
	return windows.VirtualLock(uintptr(r.addr)+uintptr(off), uintptr(n))
}

func (r region) unlock(off, n int) error {
	return windows.VirtualUnlock(uintptr(r.addr)+uintptr(off), uintptr(n))
}

// remap unmaps and maps again: a view cannot change size.
func (r *region) remap(f *os.File, off int64, size int, mode Mode) error {
	return r.remapByCopy(f, off, size, mode)
}

// remapCopiesFirst is false: the file cannot be resized while a view of it
// exists, so the old view goes first.
const remapCopiesFirst = false

// syncFile makes a flush durable: FlushViewOfFile only hands the pages to
// the cache manager; FlushFileBuffers on the map's own handle writes them.
// Never on the pagefile (anonymous maps have no file).
func syncFile(f *os.File) error {
	if f == nil {
		return nil
	}
	return windows.FlushFileBuffers(windows.Handle(f.Fd()))
}

func dupFile(f *os.File) (*os.File, error) {
	p := windows.CurrentProcess()
	var h windows.Handle
	if err := windows.DuplicateHandle(p, windows.Handle(f.Fd()), p, &h, 0, false, windows.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, os.NewSyscallError("DuplicateHandle", err)
	}
	return os.NewFile(uintptr(h), f.Name()), nil
}

// osErrKinds classifies the errors the neutral code must tell apart.
var osErrKinds = []errKindOf{
	{windows.ERROR_NOACCESS, errBadAddress},
	{syscall.ENODEV, errNoDevice},
	{syscall.EFBIG, errTooLarge},
	{syscall.EINVAL, errInvalid},
}

// probeEmpty has nothing to tell apart on Windows, which has no pseudo files
// and refuses to map any empty file.
func probeEmpty(f *os.File, mode Mode) error { return nil }

// openForMap opens path for OpenFile.
func openForMap(path string, write bool) (*os.File, error) {
	flag := os.O_RDONLY
	if write {
		flag = os.O_RDWR
	}
	return os.OpenFile(path, flag, 0)
}
