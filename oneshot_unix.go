//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// scanSource is a file a one-shot search reads, held by its bare
// descriptor: os.Open would add a failed epoll registration and fcntl
// calls to every search, most of the cost for a small file.
type scanSource struct {
	fd      int
	path    string
	size    int64 // as fstat reports it
	regular bool
}

// openScan opens path for a one-shot search and refuses what cannot be
// searched (checkScannable). O_NONBLOCK makes opening a FIFO return at
// once, so it is refused before anything reads from it; reads of regular
// files and block devices ignore the flag.
func openScan(path string) (scanSource, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			break
		}
	}
	var st unix.Stat_t
	if err == unix.ENXIO && unix.Stat(path, &st) == nil {
		// open(2) of a Unix socket says "no such device or address".
		if cerr := checkScannable(path, statType(uint32(st.Mode))); cerr != nil {
			return scanSource{}, cerr
		}
	}
	if err != nil {
		return scanSource{}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return scanSource{}, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	mode := statType(uint32(st.Mode))
	if err := checkScannable(path, mode); err != nil {
		unix.Close(fd)
		return scanSource{}, err
	}
	return scanSource{fd: fd, path: path, size: st.Size, regular: mode.IsRegular()}, nil
}

// statType turns the file type bits of st_mode into an fs.FileMode.
func statType(m uint32) fs.FileMode {
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	case unix.S_IFREG:
		return 0
	}
	return fs.ModeIrregular
}

// readAt is pread: it returns io.EOF, and no bytes, at the end of the file.
func (s *scanSource) readAt(p []byte, off int64) (int, error) {
	for {
		n, err := unix.Pread(s.fd, p, off)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// mapFile maps the whole file read-only, on a descriptor of its own.
func (s *scanSource) mapFile() (*Map, error) {
	fd, err := unix.FcntlInt(uintptr(s.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: s.path, Err: err}
	}
	f := os.NewFile(uintptr(fd), s.path)
	m, err := newFileMap(f, ReadOnly, buildOptions(nil), true)
	if err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "mmap", Path: s.path, Err: err}
	}
	return m, nil
}

func (s *scanSource) close() { unix.Close(s.fd) }
