//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package mmap

import "os"

// reserveSpace allocates by writing zeros, as posix_fallocate does where
// the filesystem has no fallocate.
func reserveSpace(f *os.File, from, to int64) error { return writeZeros(f, from, to) }

// copyXattrs: extended attributes and ACLs are copied on Linux only.
func copyXattrs(dst, src *os.File) error { return nil }
