//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package mmap

import "os"

// sharedFile makes a file of size bytes in os.TempDir() and unlinks it at
// once, so that only descriptors reach it. Unlike a Linux memfd it cannot
// be sealed: a process holding it could still truncate it, which the
// fault-guarded methods report as ErrTruncated.
func sharedFile(size int64) (*os.File, error) {
	f, err := os.CreateTemp("", "mmap-shared-*")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
