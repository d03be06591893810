package mmap_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

// FindInFile reads the first 64 KiB of a file it would map before mapping
// it: a hit there, one across its end, and one far away all come out as
// Find finds them.
func TestFindInFileEarlyHit(t *testing.T) {
	size := 5 << 20
	for _, at := range []int{0, 10, 64<<10 - 8, 64<<10 - 3, 64 << 10, 4 << 20, size - 8} {
		data := make([]byte, size)
		for i := range data {
			data[i] = 'a' + byte(i%23)
		}
		copy(data[at:], "Zyxwvuts")
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if i, err := mmap.FindInFile(path, []byte("Zyxwvuts")); err != nil || i != int64(at) {
			t.Errorf("needle at %d: FindInFile = %d, %v", at, i, err)
		}
	}
}
