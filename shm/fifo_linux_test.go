package shm_test

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/shm"
)

// A FIFO planted under a segment's name is refused at once, in every
// access mode, instead of blocking Open until a writer comes (issue 9,
// item 10). Other files that are not segments are refused too.
func TestOpenRefusesNonSegments(t *testing.T) {
	supported(t)
	fifo := newName()
	if err := syscall.Mkfifo("/dev/shm/"+fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove("/dev/shm/" + fifo) })
	dir := newName()
	if err := os.Mkdir("/dev/shm/"+dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove("/dev/shm/" + dir) })

	for _, name := range []string{fifo, dir} {
		for _, access := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
			done := make(chan error, 1)
			go func() {
				s, err := shm.Open(name, shm.WithAccess(access))
				if err == nil {
					s.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, syscall.EISDIR) {
					t.Errorf("Open(%s, %v): %v, want fs.ErrInvalid", name, access, err)
				}
			case <-time.After(5 * time.Second):
				// Unblock the open with a writer, then fail.
				if f, err := os.OpenFile("/dev/shm/"+name, os.O_WRONLY, 0); err == nil {
					f.Close()
				}
				t.Fatalf("Open(%s, %v) of a FIFO blocked for 5 s", name, access)
			}
		}
		if _, err := shm.OpenShareableList(name); !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, syscall.EISDIR) {
			t.Errorf("OpenShareableList(%s): %v, want fs.ErrInvalid", name, err)
		}
	}
}
