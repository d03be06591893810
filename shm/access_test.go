package shm_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/shm"
)

// WithAccess(mmap.CopyOnWrite) attaches a private copy: its writes never
// reach the segment. Create accepts only ReadWrite; Open refuses a mode
// that is none of the three.
func TestWithAccess(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 16)
	copy(s.Bytes(), "shared")
	c, err := shm.Open(name, shm.WithAccess(mmap.CopyOnWrite))
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Map().Mode() != mmap.CopyOnWrite || string(c.Bytes()[:6]) != "shared" {
		t.Fatalf("mode %v, bytes %q", c.Map().Mode(), c.Bytes()[:6])
	}
	copy(c.Bytes(), "PRIVATE")
	if string(s.Bytes()[:6]) != "shared" {
		t.Fatalf("a CopyOnWrite attach changed the segment: %q", s.Bytes()[:7])
	}
	for _, m := range []mmap.Mode{mmap.ReadOnly, mmap.CopyOnWrite, mmap.Mode(7)} {
		if _, err := shm.Create(newName(), 8, shm.WithAccess(m)); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Create with WithAccess(%v): %v, want fs.ErrInvalid", m, err)
		}
	}
	if _, err := shm.Open(name, shm.WithAccess(mmap.Mode(7))); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open with WithAccess(Mode(7)): %v, want fs.ErrInvalid", err)
	}
}
