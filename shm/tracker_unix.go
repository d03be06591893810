//go:build unix

package shm

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// trackerAttr puts the tracker in a session of its own, out of reach of
// the signals a terminal sends the creator's process group.
func trackerAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// trackerExecutable is this program's executable: on Linux /proc/self/exe,
// which works even if the file was replaced or deleted since it started.
func trackerExecutable() (string, error) {
	if runtime.GOOS == "linux" {
		return "/proc/self/exe", nil
	}
	return os.Executable()
}

// ignoreSignals keeps the tracker alive through the signals that end a
// program politely, as Python's resource tracker does: it must outlive the
// creator to clean up after it.
func ignoreSignals() { signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP) }
