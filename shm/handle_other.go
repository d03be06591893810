//go:build (!unix || aix) && !windows

package shm

import "errors"

// handle: where named segments are unsupported there is nothing to keep.
type handle struct{}

func (h *handle) lock(exclusive bool) error { return nil }
func (h *handle) unlock() error             { return nil }
func (h *handle) id() (fileID, error)       { return fileID{}, errors.ErrUnsupported }
func (h *handle) close() error              { return nil }
