//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package mmap

import (
	"errors"
	"os"
)

// On platforms without a port every mapping call returns
// errors.ErrUnsupported, so that programs importing the package still build.

func allocationGranularity() int { return os.Getpagesize() }

func mapFile(f *os.File, off int64, size int, mode Mode) (region, error) {
	return region{}, errors.ErrUnsupported
}
func mapAnonymous(size int) (region, error)         { return region{}, errors.ErrUnsupported }
func (r *region) unmap() error                      { return nil }
func (r region) flush(off, n int, async bool) error { return errors.ErrUnsupported }
func (r region) advise(off, n int, a Advice) error  { return errors.ErrUnsupported }
func (r region) lock(off, n int) error              { return errors.ErrUnsupported }
func (r region) unlock(off, n int) error            { return errors.ErrUnsupported }
func (r *region) remap(f *os.File, off int64, size int, mode Mode) error {
	return errors.ErrUnsupported
}
func syncFile(f *os.File) error            { return errors.ErrUnsupported }
func dupFile(f *os.File) (*os.File, error) { return nil, errors.ErrUnsupported }

var osErrKinds []errKindOf

const remapCopiesFirst = true

func probeEmpty(f *os.File, mode Mode) error { return errors.ErrUnsupported }

func openForMap(path string, write bool) (*os.File, error) {
	flag := os.O_RDONLY
	if write {
		flag = os.O_RDWR
	}
	return os.OpenFile(path, flag, 0)
}
