//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// sharedCanGrow: a shared memory file grows by ftruncate, like any file.
const sharedCanGrow = true

// newShared makes n bytes of shared memory: a file no other process can
// open by name (sharedFile), mapped MAP_SHARED.
func newShared(n int) (*resources, error) {
	f, err := sharedFile(int64(n))
	if err != nil {
		return nil, err
	}
	reg, err := mapFile(f, 0, n, ReadWrite)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &resources{reg: reg, file: f, shared: &sharedMem{}}, nil
}

// shareWith puts the Map's descriptor in cmd.ExtraFiles; the child sees
// entry i as descriptor 3+i.
func shareWith(cmd *exec.Cmd, res *resources) (uintptr, error) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, res.file)
	return uintptr(2 + len(cmd.ExtraFiles)), nil
}

// openShared maps n bytes (0: all) of the object behind the inherited
// descriptor fd, which it leaves open but, once the map is made, marks
// close-on-exec, so that it does not leak into grandchildren; a failure
// leaves it as it was.
func openShared(fd uintptr, n int64) (*resources, int, Mode, error) {
	if fd > math.MaxInt32 {
		// A descriptor is a C int: a larger number would reach the kernel
		// cut to its low 32 bits and name another descriptor.
		return nil, 0, 0, fmt.Errorf("%w: descriptor %d is not a valid descriptor number", fs.ErrInvalid, fd)
	}
	nfd, err := unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("descriptor %d: %w", fd, err)
	}
	f := os.NewFile(uintptr(nfd), fmt.Sprintf("shared:%d", fd))
	res, length, mode, err := openSharedFile(f, n)
	if err != nil {
		f.Close()
		return nil, 0, 0, fmt.Errorf("descriptor %d: %w", fd, err)
	}
	unix.CloseOnExec(int(fd))
	return res, length, mode, nil
}

func openSharedFile(f *os.File, n int64) (*resources, int, Mode, error) {
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err != nil {
		return nil, 0, 0, err
	}
	var mode Mode
	switch flags & unix.O_ACCMODE {
	case unix.O_RDWR:
		mode = ReadWrite
	case unix.O_RDONLY:
		mode = ReadOnly
	default:
		return nil, 0, 0, fmt.Errorf("%w: write-only descriptor", ErrNotMappable)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, 0, fmt.Errorf("%w: not shared memory (mode %v)", ErrNotMappable, fi.Mode())
	}
	size := fi.Size()
	if n == 0 {
		n = size
	}
	switch {
	case n == 0:
		return nil, 0, 0, fmt.Errorf("%w: the shared memory is empty", fs.ErrInvalid)
	case n > size:
		return nil, 0, 0, rangeErr("length %d past the end of the %d-byte shared memory", n, size)
	case n > math.MaxInt:
		return nil, 0, 0, rangeErr("length %d does not fit in memory", n)
	}
	reg, err := mapFile(f, 0, int(n), mode)
	if err != nil {
		return nil, 0, 0, err
	}
	return &resources{reg: reg, file: f, shared: &sharedMem{}}, int(n), mode, nil
}

func (s *sharedMem) close() error { return nil }
