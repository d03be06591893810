//go:build dragonfly || netbsd || openbsd

package shm

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/mmapkit/mmap"
)

// maxNameLen is NAME_MAX.
const maxNameLen = 255

const badNameChars = "/"

const (
	trackable = false
	flockable = false
)

// errNoShmOpen: here shm_open is a libc function with no system call
// under it that Go could make without cgo (OpenBSD and NetBSD implement
// it as files named by libc's private scheme).
var errNoShmOpen = fmt.Errorf("%w: named shared memory needs libc's shm_open on %s (use mmap.Shared for child processes)", errors.ErrUnsupported, runtime.GOOS)

func create(name string, size int64, o options) (*mmap.Map, *handle, error) {
	return nil, nil, errNoShmOpen
}
func open(name string, o options) (*mmap.Map, int64, *handle, error) {
	return nil, 0, nil, errNoShmOpen
}
func unlink(name string) error             { return errNoShmOpen }
func identify(name string) (fileID, error) { return fileID{}, errNoShmOpen }
func list() ([]Info, error)                { return nil, errNoShmOpen }
