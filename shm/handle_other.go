//go:build !unix

package shm

import (
	"errors"
	"os"
)

// handle: here no descriptor is kept. A ShareableList's lock is then only
// the in-process one, and nothing can be tracked (on Windows a section
// dies with its last handle anyway).
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
