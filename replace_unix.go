//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package mmap

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// lockTemp takes an exclusive flock on a replacement's temporary file for
// as long as the file is open: the kernel drops it when the process dies,
// however it dies, which is what marks a temporary file as stale.
func lockTemp(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			return err
		}
	}
}

// removeIfStale removes the temporary file at path if no process holds
// its lock.
func removeIfStale(path string) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) == nil {
		os.Remove(path)
	}
}

// renameTemp renames the temporary file over target, then closes it,
// which releases its lock: until the rename it is in use.
func renameTemp(tmp *os.File, target string) error {
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	return tmp.Close()
}

// keepOwner gives f the owner and group of fi's file, as far as the
// process may: chown fails with EPERM for another owner unless root, so
// the group alone is tried next (allowed for a group the process is in).
func keepOwner(f *os.File, fi fs.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if f.Chown(int(st.Uid), int(st.Gid)) != nil {
		f.Chown(-1, int(st.Gid))
	}
}
