package mmap

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// sharedCanGrow: a pagefile-backed section has a fixed size.
const sharedCanGrow = false

// newShared makes a pagefile-backed section of n bytes with an inheritable
// handle, which the Map keeps for ShareWith, and maps a view of it.
func newShared(n int) (*resources, error) {
	sa := &windows.SecurityAttributes{InheritHandle: 1}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	size := uint64(n)
	h, err := windows.CreateFileMapping(windows.InvalidHandle, sa, windows.PAGE_READWRITE, uint32(size>>32), uint32(size), nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateFileMapping", err)
	}
	reg, err := mapSection(h, windows.FILE_MAP_WRITE, n)
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &resources{reg: reg, shared: &sharedMem{handle: uintptr(h)}}, nil
}

// mapSection maps n bytes of the section h (0: all of it) and leaves h
// open.
func mapSection(h windows.Handle, access uint32, n int) (region, error) {
	addr, err := windows.MapViewOfFile(h, access, 0, 0, uintptr(n))
	if err != nil {
		return region{}, os.NewSyscallError("MapViewOfFile", err)
	}
	if n == 0 {
		var mbi windows.MemoryBasicInformation
		if err := windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)); err != nil {
			windows.UnmapViewOfFile(addr)
			return region{}, os.NewSyscallError("VirtualQuery", err)
		}
		if mbi.RegionSize > math.MaxInt {
			windows.UnmapViewOfFile(addr)
			return region{}, rangeErr("section of %d bytes does not fit in memory", mbi.RegionSize)
		}
		n = int(mbi.RegionSize)
	}
	// As in mapView: the view is outside the Go heap.
	return region{addr: *(*unsafe.Pointer)(unsafe.Pointer(&addr)), size: n}, nil
}

// shareWith lists the section handle in AdditionalInheritedHandles; an
// inherited handle has the same value in the child.
func shareWith(cmd *exec.Cmd, res *resources) (uintptr, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	if cmd.SysProcAttr.NoInheritHandles {
		return 0, fmt.Errorf("%w: the command has NoInheritHandles set", errors.ErrUnsupported)
	}
	cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, syscall.Handle(res.shared.handle))
	return res.shared.handle, nil
}

// openShared maps n bytes (0: the whole section, page-rounded) of the
// inherited section handle h, which it duplicates (inheritable, so the Map
// can be shared on) and leaves open. A handle without write access gives a
// ReadOnly map.
func openShared(h uintptr, n int64) (*resources, int, Mode, error) {
	if n > math.MaxInt {
		return nil, 0, 0, rangeErr("length %d does not fit in memory", n)
	}
	p := windows.CurrentProcess()
	var dup windows.Handle
	if err := windows.DuplicateHandle(p, windows.Handle(h), p, &dup, 0, true, windows.DUPLICATE_SAME_ACCESS); err != nil {
		return nil, 0, 0, fmt.Errorf("handle %d: %w", h, os.NewSyscallError("DuplicateHandle", err))
	}
	mode := ReadWrite
	reg, err := mapSection(dup, windows.FILE_MAP_WRITE, int(n))
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		mode = ReadOnly
		reg, err = mapSection(dup, windows.FILE_MAP_READ, int(n))
	}
	if err != nil {
		windows.CloseHandle(dup)
		return nil, 0, 0, fmt.Errorf("handle %d: %w", h, err)
	}
	return &resources{reg: reg, shared: &sharedMem{handle: uintptr(dup)}}, reg.size, mode, nil
}

func (s *sharedMem) close() error {
	if s.handle == 0 {
		return nil
	}
	err := windows.CloseHandle(windows.Handle(s.handle))
	s.handle = 0
	return err
}
