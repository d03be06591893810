package platformtest

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mapFile maps a view and keeps the section handle until unmap, as a
// program that maps a file does.
func mapFile(f *os.File, n int) ([]byte, func(), error) {
	h, err := windows.CreateFileMapping(windows.Handle(f.Fd()), nil, windows.PAGE_READONLY, 0, uint32(n), nil)
	if err != nil {
		return nil, nil, os.NewSyscallError("CreateFileMapping", err)
	}
	addr, err := windows.MapViewOfFile(h, windows.FILE_MAP_READ, 0, 0, uintptr(n))
	if err != nil {
		windows.CloseHandle(h)
		return nil, nil, os.NewSyscallError("MapViewOfFile", err)
	}
	b := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), n)
	return b, func() { windows.UnmapViewOfFile(addr); windows.CloseHandle(h) }, nil
}

// Facts of Windows that no probe can find without the library.
const (
	hasMadvise  = false // no madvise; PrefetchVirtualMemory is not advice
	sharedGrows = false // a pagefile-backed section's size is fixed at CreateFileMapping
)
