//go:build unix

package bench

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// checkSpace fails when dir's file system has fewer than n bytes free.
func checkSpace(dir string, n int64) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return nil // cannot tell: let the writes fail if they must
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free < n {
		return fmt.Errorf("%w: %d bytes needed in %s, %d free", ErrNoSpace, n, dir, free)
	}
	return nil
}
