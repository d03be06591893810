//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package shm

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/mmapkit/mmap"
)

// maxNameLen is PSHMNAMLEN on darwin, and NAME_MAX elsewhere.
var maxNameLen = 255

func init() {
	if runtime.GOOS == "darwin" {
		maxNameLen = 31
	}
}

const badNameChars = "/"

// errNoShmOpen: shm_open and shm_unlink live in libc here, and
// golang.org/x/sys/unix has no wrapper for them.
var errNoShmOpen = fmt.Errorf("%w: named shared memory needs shm_open, which golang.org/x/sys lacks on %s (use mmap.Shared for child processes)", errors.ErrUnsupported, runtime.GOOS)

func create(name string, size int64, o options) (*mmap.Map, error) { return nil, errNoShmOpen }
func open(name string, o options) (*mmap.Map, int64, error)        { return nil, 0, errNoShmOpen }
func unlink(name string) error                                     { return errNoShmOpen }
func list() ([]Info, error)                                        { return nil, errNoShmOpen }
