package mmap_test

import (
	"bytes"
	"errors"
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

// FindInFileAt against Python's find(sub, start) on a plain buffer: small
// files (read) and large ones (mapped), hits near start and far from it,
// across the 64 KiB first read, empty needles and starts past the end.
func TestFindInFileAt(t *testing.T) {
	for _, size := range []int{0, 5, 100 << 10, 5 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = 'a' + byte(i%23)
		}
		for _, at := range []int{3, 70 << 10, 4<<20 + 7} {
			if at+8 <= size {
				copy(data[at:], "Zyxwvuts")
			}
		}
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, sub := range []string{"Zyxwvuts", "", "abc", "nothere"} {
			for _, start := range []int{0, 1, 3, 4, 64 << 10, 70<<10 - 3, 70<<10 + 1, 4 << 20, size - 1, size, size + 1} {
				if start < 0 {
					continue
				}
				want := -1
				if start <= size {
					if i := bytes.Index(data[start:], []byte(sub)); i >= 0 {
						want = start + i
					}
				}
				got, err := mmap.FindInFileAt(path, []byte(sub), int64(start))
				if err != nil || got != int64(want) {
					t.Errorf("size %d, FindInFileAt(%q, %d) = %d, %v; want %d", size, sub, start, got, err, want)
				}
			}
		}
	}
	if _, err := mmap.FindInFileAt(os.Args[0], []byte("x"), -1); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("negative start: %v, want ErrRange", err)
	}
	// A pseudo file whose size reads as 0 is read to its end.
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		i := bytes.Index(b[10:], []byte("Pid:"))
		if got, err := mmap.FindInFileAt("/proc/self/status", []byte("Pid:"), 10); err != nil || (i >= 0) != (got >= 10) {
			t.Errorf("/proc/self/status: %d, %v", got, err)
		}
	}
}
