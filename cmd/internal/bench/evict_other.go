//go:build !linux

package bench

import "errors"

// evict is Linux-only: elsewhere a cold run cannot be prepared per file.
func evict(path string) error {
	return errors.New("evicting one file from the page cache needs Linux's posix_fadvise: --cold is not supported here")
}
