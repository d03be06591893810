package mmap_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/mmapkit/mmap"
)

// Shrinking a map that reaches the end of its file shrinks the file too,
// while another map of the same file is open: Linux cuts the file under
// that map; Windows refuses (ERROR_USER_MAPPED_FILE), and then the map
// must still be whole, not shrunk over a file that was not.
func TestResizeWithAnotherMapOpen(t *testing.T) {
	data := pattern(3 * mmap.AllocationGranularity())
	path := writeFile(t, data)
	m := mustOpen(t, path, mmap.ReadWrite)
	other := mustOpen(t, path, mmap.ReadOnly)
	_ = other.Len()
	err := m.Resize(mmap.AllocationGranularity())
	size, serr := m.Size()
	if serr != nil {
		t.Fatal(serr)
	}
	if err == nil {
		if m.Len() != mmap.AllocationGranularity() || size != int64(m.Len()) {
			t.Fatalf("Resize: nil error, Len %d, file %d bytes", m.Len(), size)
		}
		return
	}
	t.Logf("Resize with another map open: %v", err)
	if m.Len() != len(data) || size != int64(len(data)) {
		t.Fatalf("failed Resize left Len %d over a file of %d bytes, want both %d", m.Len(), size, len(data))
	}
	if !bytes.Equal(m.Bytes(), data) {
		t.Fatal("failed Resize changed the map's contents")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("failed Resize changed the file")
	}
}
