package shm

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"
)

// maxNameLen is PSHMNAMLEN: macOS refuses longer names with ENAMETOOLONG.
const maxNameLen = 31

// trackable is false: fstat of a macOS shared memory object reports no
// inode number, so a tracker could not tell our segment from one another
// program made under the same name after ours was unlinked.
const trackable = false

// shm_open and shm_unlink are libSystem functions, called the way
// golang.org/x/sys/unix calls every libc function on macOS, without cgo:
// the linker imports the symbol (cgo_import_dynamic), a one-instruction
// assembly trampoline (shm_darwin.s) jumps to it, and the runtime's
// syscall.syscall switches to the system stack and calls the trampoline
// with three arguments. shm_open is variadic (the mode); on arm64 macOS
// passes variadic arguments on the stack, which the runtime does for the
// third argument of every three-argument call (it must, for open(2)).

//go:cgo_import_dynamic libc_shm_open shm_open "/usr/lib/libSystem.B.dylib"
//go:cgo_import_dynamic libc_shm_unlink shm_unlink "/usr/lib/libSystem.B.dylib"

var (
	libc_shm_open_trampoline_addr   uintptr
	libc_shm_unlink_trampoline_addr uintptr
)

//go:linkname syscall_syscall syscall.syscall
func syscall_syscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err syscall.Errno)

func sysShmOpen(p *byte, flag int, perm uint32) (int, error) {
	r, _, e := syscall_syscall(libc_shm_open_trampoline_addr, uintptr(unsafe.Pointer(p)), uintptr(flag), uintptr(perm))
	if int32(r) == -1 {
		return -1, e
	}
	return int(r), nil
}

func sysShmUnlink(p *byte) error {
	if r, _, e := syscall_syscall(libc_shm_unlink_trampoline_addr, uintptr(unsafe.Pointer(p)), 0, 0); int32(r) == -1 {
		return e
	}
	return nil
}

func identify(name string) (fileID, error) {
	return fileID{}, fmt.Errorf("%w: macOS shared memory objects have no inode number to check", errors.ErrUnsupported)
}
