package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// sharedFile makes a memfd of size bytes sealed against shrinking: the
// memory can grow, but no process holding it can make another's map fault
// by truncating it.
func sharedFile(size int64) (*os.File, error) {
	fd, err := unix.MemfdCreate("mmap-shared", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	f := os.NewFile(uintptr(fd), "memfd:mmap-shared")
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK); err != nil {
		f.Close()
		return nil, os.NewSyscallError("fcntl F_ADD_SEALS", err)
	}
	return f, nil
}
