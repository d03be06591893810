//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package platformtest

import (
	"os"
	"syscall"
)

func mapFile(f *os.File, n int) ([]byte, func(), error) {
	b, err := syscall.Mmap(int(f.Fd()), 0, n, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, os.NewSyscallError("mmap", err)
	}
	return b, func() { syscall.Munmap(b) }, nil
}

// Facts of these systems that no probe can find without the library.
const (
	hasMadvise  = true // madvise(2)
	sharedGrows = true // a memfd or shm_open file grows by ftruncate
)
