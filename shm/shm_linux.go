package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mmapkit/mmap"
	"golang.org/x/sys/unix"
)

// dir is where glibc's shm_open keeps segments: shm_open("/NAME") opens
// dir/NAME with O_NOFOLLOW|O_CLOEXEC.
const dir = "/dev/shm"

// maxNameLen is NAME_MAX: a segment is a file in dir.
const maxNameLen = 255

// badNameChars may not appear in a name after the leading "/".
const badNameChars = "/"

// trackable: a name in dir has a device and inode number to compare.
const trackable = true

// flockable: a segment is a tmpfs file, which flock(2) locks.
const flockable = true

func create(name string, size int64, o options) (*mmap.Map, *handle, error) {
	path := dir + "/" + name
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(o.perm))
	if err != nil {
		return nil, nil, osErr(os.NewSyscallError("open", err))
	}
	if err := reserve(fd, size); err != nil {
		unix.Close(fd)
		unix.Unlink(path) // ours: made with O_EXCL above
		return nil, nil, err
	}
	m, h, err := mapKeep(os.NewFile(uintptr(fd), path), mmap.ReadWrite, o)
	if err != nil {
		unix.Unlink(path)
		return nil, nil, err
	}
	return m, h, nil
}

// reserve gives the new, empty segment fd its size by allocating every
// page now (fallocate), so that a /dev/shm too small for it fails here
// with ENOSPC instead of killing the process with SIGBUS at the first
// write through the map; ftruncate only where the filesystem cannot
// allocate (tmpfs can, since Linux 3.5).
func reserve(fd int, size int64) error {
	for {
		err := unix.Fallocate(fd, 0, 0, size)
		switch {
		case err == nil:
			return nil
		case err == unix.EINTR:
			continue
		case err == unix.EOPNOTSUPP || err == unix.ENOSYS:
			return os.NewSyscallError("ftruncate", unix.Ftruncate(fd, size))
		case err == unix.ENOSPC:
			return fmt.Errorf("%s has no room for %d bytes: %w", dir, size, os.NewSyscallError("fallocate", err))
		}
		return os.NewSyscallError("fallocate", err)
	}
}

func open(name string, o options) (*mmap.Map, int64, *handle, error) {
	// A CopyOnWrite map writes only its private copy: read permission is
	// enough.
	flag := unix.O_RDONLY
	if o.access == mmap.ReadWrite {
		flag = unix.O_RDWR
	}
	path := dir + "/" + name
	// O_NONBLOCK: a FIFO planted under the name must not block the open
	// until a writer comes; the Fstat below then refuses it.
	fd, err := unix.Open(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, nil, osErr(os.NewSyscallError("open", err))
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, 0, nil, os.NewSyscallError("fstat", err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		unix.Close(fd)
		return nil, 0, nil, fmt.Errorf("%w: not a shared memory segment (a %s)", fs.ErrInvalid, fileType(st.Mode))
	case st.Size == 0:
		unix.Close(fd)
		return nil, 0, nil, fmt.Errorf("%w: the segment is empty (not sized by its creator yet?)", fs.ErrInvalid)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, 0, nil, os.NewSyscallError("fcntl", err)
	}
	m, h, err := mapKeep(os.NewFile(uintptr(fd), path), o.access, o)
	if err != nil {
		return nil, 0, nil, err
	}
	return m, int64(m.Len()), h, nil
}

// fileType names the type bits of a st_mode for an error message.
func fileType(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFIFO:
		return "FIFO"
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "device"
	}
	return fmt.Sprintf("file of type %#o", mode&unix.S_IFMT)
}

func unlink(name string) error {
	// unlink(2), not os.Remove, which would also remove an empty directory.
	return osErr(os.NewSyscallError("unlink", unix.Unlink(dir+"/"+name)))
}

// identify returns the identity of the segment that name now denotes.
func identify(name string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Lstat(dir+"/"+name, &st); err != nil {
		return fileID{}, os.NewSyscallError("lstat", err)
	}
	return fileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}, nil
}

func list() ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, osErr(err)
	}
	infos := make([]Info, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil { // removed meanwhile
			continue
		}
		infos = append(infos, Info{Name: e.Name(), Size: fi.Size(), Mode: fi.Mode()})
	}
	return infos, nil
}

// osErr strips the /dev/shm path from err, which the caller wraps in a
// PathError with the segment's name, and says so when /dev/shm itself is
// missing.
func osErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return fmt.Errorf("%w: no %s on this system", errors.ErrUnsupported, dir)
		}
	}
	return err
}
