package mmap_test

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// freeDisk returns the bytes free for an unprivileged user in dir's file system.
func freeDisk(dir string) int64 {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize) // Bsize is int32 on 32-bit Linux
}

// warmByRead puts path into the page cache the way a normal cold read
// leaves it (large folios): sync, evict, read once.
func warmByRead(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	f.Sync()
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	buf := make([]byte, 1<<20)
	for {
		if n, _ := f.Read(buf); n == 0 {
			return
		}
	}
}
