package mmap

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// reserveSpace grows f from from to to bytes with the blocks allocated
// (fallocate), so that writing there through a map cannot fail for want
// of space; where the filesystem has no fallocate, by writing zeros.
func reserveSpace(f *os.File, from, to int64) error {
	for reserveByFallocate {
		err := unix.Fallocate(int(f.Fd()), 0, from, to-from)
		switch {
		case err == unix.EINTR:
			continue
		case errors.Is(err, unix.EOPNOTSUPP):
			return writeZeros(f, from, to)
		case err != nil:
			return os.NewSyscallError("fallocate", err)
		}
		return nil
	}
	return writeZeros(f, from, to)
}

// reserveByFallocate is cleared by tests to take the path of filesystems
// without fallocate.
var reserveByFallocate = true

// copyXattrs copies every extended attribute of src to dst: user.*,
// security.* (SELinux labels, capabilities) and system.posix_acl_* (POSIX
// ACLs) alike. An attribute dst's filesystem does not support, or that
// the process may not set (trusted.* when not root), is skipped: the
// replacement goes on without it, as cp -a does.
func copyXattrs(dst, src *os.File) error {
	names, err := listXattrs(int(src.Fd()))
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) {
			return nil
		}
		return os.NewSyscallError("flistxattr", err)
	}
	var val []byte
	for _, name := range names {
		if val, err = getXattr(int(src.Fd()), name, val); err != nil {
			continue // removed meanwhile, or not readable by us
		}
		err := unix.Fsetxattr(int(dst.Fd()), name, val, 0)
		if err != nil && !errors.Is(err, unix.ENOTSUP) && !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EACCES) {
			return os.NewSyscallError("fsetxattr "+name, err)
		}
	}
	return nil
}

func listXattrs(fd int) ([]string, error) {
	buf := make([]byte, 256)
	for {
		n, err := unix.Flistxattr(fd, buf)
		if err == unix.ERANGE {
			buf = make([]byte, 2*len(buf))
			continue
		}
		if err != nil {
			return nil, err
		}
		var names []string
		for _, b := range splitNul(buf[:n]) {
			names = append(names, string(b))
		}
		return names, nil
	}
}

func getXattr(fd int, name string, buf []byte) ([]byte, error) {
	buf = buf[:cap(buf)]
	if len(buf) < 256 {
		buf = make([]byte, 256)
	}
	for {
		n, err := unix.Fgetxattr(fd, name, buf)
		if err == unix.ERANGE {
			buf = make([]byte, 2*len(buf))
			continue
		}
		if err != nil {
			return buf, err
		}
		return buf[:n], nil
	}
}

func splitNul(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != 0 {
			i++
		}
		if i > 0 {
			out = append(out, b[:i])
		}
		b = b[min(i+1, len(b)):]
	}
	return out
}
