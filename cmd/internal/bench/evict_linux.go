package bench

import (
	"os"

	"golang.org/x/sys/unix"
)

// evict drops path's pages from the page cache, so that the next run reads
// it from the disk. The pages must be clean: copies made for a run are
// synced before they are timed (copyFile).
func evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return os.NewSyscallError("posix_fadvise", unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED))
}
