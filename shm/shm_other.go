//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package shm

import (
	"errors"

	"github.com/mmapkit/mmap"
)

const (
	maxNameLen   = 255
	badNameChars = "/"
	trackable    = false
	flockable    = false
)

func create(name string, size int64, o options) (*mmap.Map, *handle, error) {
	return nil, nil, errors.ErrUnsupported
}
func open(name string, o options) (*mmap.Map, int64, *handle, error) {
	return nil, 0, nil, errors.ErrUnsupported
}
func unlink(name string) error             { return errors.ErrUnsupported }
func identify(name string) (fileID, error) { return fileID{}, errors.ErrUnsupported }
func list() ([]Info, error)                { return nil, errors.ErrUnsupported }
