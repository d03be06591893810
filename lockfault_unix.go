//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"errors"

	"golang.org/x/sys/unix"
)

// lockFault reports whether err, from mlock, can only mean that a page of
// the map could not be brought in (a file cut short, perhaps already grown
// back): mlock says ENOMEM for that and for a process over its
// RLIMIT_MEMLOCK, and the limit is ruled out for root (CAP_IPC_LOCK) or
// an unlimited RLIMIT_MEMLOCK.
func lockFault(err error) bool {
	if !errors.Is(err, unix.ENOMEM) {
		return false
	}
	if unix.Geteuid() == 0 {
		return true
	}
	var rl unix.Rlimit
	return unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rl) == nil && rl.Cur == unix.RLIM_INFINITY
}
