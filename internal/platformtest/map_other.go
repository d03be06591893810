//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package platformtest

import (
	"errors"
	"os"
)

func mapFile(f *os.File, n int) ([]byte, func(), error) {
	return nil, nil, errors.ErrUnsupported
}

const (
	hasMadvise  = false
	sharedGrows = false
)
