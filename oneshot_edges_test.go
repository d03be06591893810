package mmap_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/mmapkit/mmap"
)

// Files whose size lies, or that have none: the one-shot helpers read a
// pseudo file to its end, refuse at once what they cannot read without
// side effects, and never return a number that does not fit.

// TestOneShotPseudoFiles: a file whose size reads as 0 (/proc) or as a
// page (/sys) is read to its end: the helpers give what the same search of
// its content read with os.ReadFile gives.
func TestOneShotPseudoFiles(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc and /sys are Linux's")
	}
	for _, path := range []string{"/proc/version", "/proc/self/cgroup", "/sys/kernel/mm/transparent_hugepage/enabled", "/proc/self/status"} {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Logf("%s: %v", path, err)
			continue
		}
		stable := path != "/proc/self/status" // its numbers change as the test runs
		for _, sub := range []string{"", " ", "e", "never", "#absent#"} {
			n, err := mmap.CountInFile(path, []byte(sub))
			if err != nil {
				t.Fatalf("CountInFile(%s, %q): %v", path, sub, err)
			}
			if w := bytes.Count(want, []byte(sub)); stable && n != w || !stable && sub == "" && n < 100 {
				t.Errorf("CountInFile(%s, %q) = %d, want %d (os.ReadFile's content)", path, sub, n, w)
			}
			i, err := mmap.FindInFile(path, []byte(sub))
			if err != nil {
				t.Fatalf("FindInFile(%s, %q): %v", path, sub, err)
			}
			if w := bytes.Index(want, []byte(sub)); stable && i != int64(w) {
				t.Errorf("FindInFile(%s, %q) = %d, want %d", path, sub, i, w)
			}
		}
	}
}

// TestOneShotEndsAtTheSize: the read loop stops at a regular file's size
// without a read to see EOF, and still finds what lies in the last bytes;
// sizes around the loop's read sizes.
func TestOneShotEndsAtTheSize(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{1, 4095, 4096, 64<<10 - 1, 64 << 10, 64<<10 + 1, 64<<10 + 1<<20, 3 << 20} {
		b := bytes.Repeat([]byte{'.'}, size)
		copy(b[size-1:], "Z")
		path := filepath.Join(dir, strconv.Itoa(size))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if i, err := mmap.FindInFile(path, []byte("Z")); i != int64(size-1) || err != nil {
			t.Errorf("size %d: FindInFile = %d, %v; want %d", size, i, err, size-1)
		}
		if n, err := mmap.CountInFile(path, nil); n != size+1 || err != nil {
			t.Errorf("size %d: CountInFile(nil) = %d, %v", size, n, err)
		}
		if n, err := mmap.CountInFile(path, []byte(".")); n != size-1 || err != nil {
			t.Errorf("size %d: CountInFile(.) = %d, %v", size, n, err)
		}
	}
}

// TestOneShotPastTheAddressSpace: in a 32-bit process, a file too large to
// map (over 2 GiB: a Map's length is an int) is searched by reading it in
// windows, an offset past 2^31 comes out right (int64), and a count that
// does not fit in an int is an error matching ErrRange, never a wrapped
// number. Run it with GOARCH=386 go test -run OneShotPastTheAddressSpace .
// on an amd64 Linux; it reads 4 GiB of a sparse file (no disk used).
func TestOneShotPastTheAddressSpace(t *testing.T) {
	if strconv.IntSize != 32 {
		t.Skip("needs a 32-bit process (GOARCH=386)")
	}
	if testing.Short() {
		t.Skip("reads 4 GiB")
	}
	const size = 2<<30 + 4096
	path := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Skip("no sparse file:", err)
	}
	const at = 2<<30 + 100
	if _, err := f.WriteAt([]byte("NEEDLE"), at); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if i, err := mmap.FindInFile(path, []byte("NEEDLE")); i != at || err != nil {
		t.Errorf("FindInFile = %d, %v; want %d", i, err, int64(at))
	}
	if n, err := mmap.CountInFile(path, nil); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("CountInFile(nil) on %d bytes = %d, %v; want an error matching ErrRange", int64(size), n, err)
	}
	if n, err := mmap.CountInFile(path, []byte{0}); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("CountInFile(\\x00) on %d zero bytes = %d, %v; want an error matching ErrRange", int64(size), n, err)
	}
}
