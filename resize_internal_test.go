package mmap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Resize's recovery from a failed remap, reached through the remapRegion
// hook: a remap that fails leaving the old region (mremap, or a Unix
// remapByCopy that could not map the new view) keeps the map as it was; one
// that fails after unmapping (Windows' remapByCopy of a file) leaves a valid
// empty Map that a later Resize maps again. Either way the file keeps its
// size and its bytes.
func TestResizeRecovery(t *testing.T) {
	errInjected := errors.New("injected remap failure")
	for _, unmapFirst := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "f")
		content := bytes.Repeat([]byte("0123456789abcdef"), pageSize/16)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := OpenFile(p, ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		saved := remapRegion
		remapRegion = func(r *region, f *os.File, off int64, size int, mode Mode) error {
			if unmapFirst {
				r.unmap()
			}
			return errInjected
		}
		err = m.Resize(3 * pageSize)
		remapRegion = saved
		if !errors.Is(err, errInjected) {
			t.Fatalf("unmapFirst=%v: Resize = %v, want the injected error", unmapFirst, err)
		}
		if fi, _ := os.Stat(p); fi.Size() != int64(len(content)) {
			t.Fatalf("unmapFirst=%v: the file is %d bytes after the failed grow, want %d", unmapFirst, fi.Size(), len(content))
		}
		want := len(content)
		if unmapFirst {
			want = 0
		}
		if m.Len() != want {
			t.Fatalf("unmapFirst=%v: Len = %d after the failed Resize, want %d", unmapFirst, m.Len(), want)
		}
		if err := m.Resize(2 * pageSize); err != nil {
			t.Fatalf("unmapFirst=%v: a later Resize: %v", unmapFirst, err)
		}
		got := make([]byte, len(content))
		if _, err := m.ReadAt(got, 0); err != nil || !bytes.Equal(got, content) {
			t.Fatalf("unmapFirst=%v: content after recovery: %v", unmapFirst, err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// remapByCopy, the resize of the ports without mremap, runs here too: it
// keeps the contents of anonymous memory and of a file, growing and
// shrinking.
func TestRemapByCopy(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 3*pageSize), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, file := range []*os.File{nil, f} {
		var r region
		if file == nil {
			r, err = mapAnonymous(pageSize)
		} else {
			r, err = mapFile(file, 0, pageSize, ReadWrite)
		}
		if err != nil {
			t.Fatal(err)
		}
		copy(r.bytes(0, 5), "hello")
		for _, size := range []int{3 * pageSize, pageSize / 2, 2 * pageSize} {
			if err := r.remapByCopy(file, 0, size, ReadWrite); err != nil {
				t.Fatal(err)
			}
			if r.size != size || string(r.bytes(0, 5)) != "hello" {
				t.Fatalf("file=%v: after remapByCopy to %d: size %d, %q", file != nil, size, r.size, r.bytes(0, 5))
			}
		}
		r.unmap()
	}
}
