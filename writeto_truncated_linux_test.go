package mmap_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/internal/platformtest"
)

// WriteTo into a writer that never reads its bytes (io.Discard) on a file
// cut underneath: ErrTruncated with the count exact to the page, as a
// reading writer gets, not the whole map and nil.
func TestWriteToDiscardTruncated(t *testing.T) {
	platformtest.SkipUnlessTruncationFaults(t)
	page := mmap.PageSize()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 3*page+9), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, path, mmap.ReadOnly)
	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	n, err := m.WriteTo(io.Discard)
	var fe *mmap.FaultError
	if !errors.Is(err, mmap.ErrTruncated) || !errors.As(err, &fe) || n != int64(page) || fe.Offset != int64(page) {
		t.Fatalf("WriteTo(io.Discard) = %d, %v; want %d and ErrTruncated at %d", n, err, page, page)
	}
	if m.Pos() != int64(page) {
		t.Errorf("Pos = %d, want %d", m.Pos(), page)
	}
	// The file whole again: WriteTo writes the rest, no error.
	if err := os.Truncate(path, int64(3*page+9)); err != nil {
		t.Fatal(err)
	}
	if n, err := m.WriteTo(io.Discard); err != nil || n != int64(2*page+9) {
		t.Errorf("after regrowth: %d, %v", n, err)
	}
}
