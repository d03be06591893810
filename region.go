package mmap

import "unsafe"

// region is one mapping made by the operating system: addr is aligned to
// the allocation granularity and size bytes long. Each platform file gives
// it the same methods (unmap, flush, advise, lock, unlock, remap), so that no
// other file mentions an operating system.
type region struct {
	addr unsafe.Pointer
	size int
}

// bytes returns [off, off+n) of the region as a slice, for the system calls
// that take one.
func (r region) bytes(off, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(r.addr, off)), n)
}

// unsafePointer returns the address of b's first byte; b is not empty.
func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }
