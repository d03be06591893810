//go:build unix

package bench

import "syscall"

// faults returns the page faults this process has taken so far, minor and
// major (getrusage), or -1 where the OS does not say.
func faults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return int64(ru.Minflt) + int64(ru.Majflt)
}
