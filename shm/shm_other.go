//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package shm

import (
	"errors"

	"github.com/mmapkit/mmap"
)

const (
	maxNameLen   = 255
	badNameChars = "/"
)

func create(name string, size int64, o options) (*mmap.Map, error) { return nil, errors.ErrUnsupported }
func open(name string, o options) (*mmap.Map, int64, error)        { return nil, 0, errors.ErrUnsupported }
func unlink(name string) error                                     { return errors.ErrUnsupported }
func list() ([]Info, error)                                        { return nil, errors.ErrUnsupported }
