//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package mmap

import (
	"errors"
	"os/exec"
)

const sharedCanGrow = false

func newShared(n int) (*resources, error) { return nil, errors.ErrUnsupported }

func shareWith(cmd *exec.Cmd, res *resources) (uintptr, error) { return 0, errors.ErrUnsupported }

func openShared(h uintptr, n int64) (*resources, int, Mode, error) {
	return nil, 0, 0, errors.ErrUnsupported
}

func (s *sharedMem) close() error { return nil }
