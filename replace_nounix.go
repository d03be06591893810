//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package mmap

import (
	"io/fs"
	"os"
)

// lockTemp: on Windows a file another process holds open can be neither
// removed nor renamed, which marks it as in use without a lock.
func lockTemp(f *os.File) error { return nil }

// removeIfStale removes path, which fails while its maker has it open.
func removeIfStale(path string) { os.Remove(path) }

// renameTemp closes the temporary file first: Windows refuses to rename
// an open file (Go opens files without FILE_SHARE_DELETE).
func renameTemp(tmp *os.File, target string) error {
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// keepOwner: a file's owner is not a uid here; the rename keeps the
// directory's inherited ACL.
func keepOwner(f *os.File, fi fs.FileInfo) {}

func copyXattrs(dst, src *os.File) error { return nil }

func reserveSpace(f *os.File, from, to int64) error { return writeZeros(f, from, to) }
