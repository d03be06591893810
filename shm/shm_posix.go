//go:build darwin || freebsd

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/mmapkit/mmap"
	"golang.org/x/sys/unix"
)

// On macOS and FreeBSD a segment NAME is the POSIX shared memory object
// "/NAME", reached through shm_open and shm_unlink (shm_darwin.go and
// shm_freebsd.go say how without cgo). It has no path in the file system,
// so List cannot enumerate them.

const badNameChars = "/"

// flockable is false: both kernels' flock(2) takes vnodes only, and a
// shared memory object is none (FreeBSD sys_flock returns EOPNOTSUPP,
// XNU's fp_getfvp ENOTSUP), so a ShareableList has only its in-process
// lock here.
const flockable = false

func create(name string, size int64, o options) (*mmap.Map, *handle, error) {
	fd, err := shmOpen("/"+name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(o.perm))
	if err != nil {
		return nil, nil, os.NewSyscallError("shm_open", err)
	}
	// ftruncate: these systems give a shared memory object no
	// posix_fallocate to reserve its pages with.
	if err := unix.Ftruncate(fd, size); err != nil {
		unix.Close(fd)
		shmUnlink("/" + name) // ours: made with O_EXCL above
		return nil, nil, os.NewSyscallError("ftruncate", err)
	}
	m, h, err := mapKeep(os.NewFile(uintptr(fd), name), mmap.ReadWrite, o, mmap.WithLength(size))
	if err != nil {
		shmUnlink("/" + name)
		return nil, nil, err
	}
	return m, h, nil
}

func open(name string, o options) (*mmap.Map, int64, *handle, error) {
	flag := unix.O_RDONLY // enough for CopyOnWrite, as on Linux
	if o.access == mmap.ReadWrite {
		flag = unix.O_RDWR
	}
	fd, err := shmOpen("/"+name, flag|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, nil, os.NewSyscallError("shm_open", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, 0, nil, os.NewSyscallError("fstat", err)
	}
	if st.Size == 0 {
		unix.Close(fd)
		return nil, 0, nil, fmt.Errorf("%w: the segment is empty (not sized by its creator yet?)", fs.ErrInvalid)
	}
	m, h, err := mapKeep(os.NewFile(uintptr(fd), name), o.access, o, mmap.WithLength(st.Size))
	if err != nil {
		return nil, 0, nil, err
	}
	return m, st.Size, h, nil
}

func unlink(name string) error { return os.NewSyscallError("shm_unlink", shmUnlink("/"+name)) }

func list() ([]Info, error) {
	return nil, fmt.Errorf("%w: %s has no directory of shared memory objects to list", errors.ErrUnsupported, runtime.GOOS)
}

// shmOpen is shm_open(3): sysShmOpen is the platform's way to it.
func shmOpen(path string, flag int, perm uint32) (int, error) {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return -1, err
	}
	return sysShmOpen(p, flag, perm)
}

// shmUnlink is shm_unlink(3).
func shmUnlink(path string) error {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	return sysShmUnlink(p)
}
