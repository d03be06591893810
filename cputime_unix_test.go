//go:build unix

package mmap_test

import "syscall"

// cpuTime returns the user and system CPU time the process has used, in
// nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
