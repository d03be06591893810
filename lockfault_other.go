//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package mmap

// lockFault: VirtualLock's errors do not single out a missing page.
func lockFault(err error) bool { return false }
