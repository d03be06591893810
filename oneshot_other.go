//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package mmap

import (
	"io/fs"
	"os"
)

// scanSource is a file a one-shot search reads (see oneshot_unix.go).
type scanSource struct {
	f       *os.File
	path    string
	size    int64
	regular bool
}

func openScan(path string) (scanSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return scanSource{}, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkScannable(path, fi.Mode())
	}
	if err != nil {
		f.Close()
		return scanSource{}, err
	}
	return scanSource{f: f, path: path, size: fi.Size(), regular: fi.Mode().IsRegular()}, nil
}

// readAt returns io.EOF at the end of the file, as os.File.ReadAt does.
func (s *scanSource) readAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

func (s *scanSource) mapFile() (*Map, error) {
	m, err := newFileMap(s.f, ReadOnly, buildOptions(nil), false)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: s.path, Err: err}
	}
	return m, nil
}

func (s *scanSource) close() { s.f.Close() }
