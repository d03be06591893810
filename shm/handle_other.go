//go:build !unix && !windows

package shm

import (
	"errors"
	"os"
)

// handle: where named segments are unsupported there is nothing to keep.
type handle struct{}

func keep(f *os.File, o options) (*handle, error) {
	if f != nil {
		return nil, f.Close()
	}
	return nil, nil
}

func (h *handle) lock(exclusive bool) error { return nil }
func (h *handle) unlock() error             { return nil }
func (h *handle) id() (fileID, error)       { return fileID{}, errors.ErrUnsupported }
func (h *handle) close() error              { return nil }
