package mmap

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// touch is AdvicePopulateRead's fallback on kernels without
// MADV_POPULATE_READ; it must read every page of the range and report a
// truncated file as a fault.
func TestTouchFallback(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, make([]byte, 3*pageSize+5), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Open(p, WithOffset(3))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	n := m.Len() // before RLock: a read lock must not be taken twice
	m.mu.RLock()
	err = m.touch(1, n-1)
	m.mu.RUnlock()
	if err != nil {
		t.Fatalf("touch: %v", err)
	}
	os.Truncate(p, 0)
	m.mu.RLock()
	err = m.touch(0, n)
	m.mu.RUnlock()
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("touch of a truncated map: %v", err)
	}
}
