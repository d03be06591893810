//go:build unix

package mmap_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mmapkit/mmap"
)

// within fails t if fn does not return within d: the old behaviour of some
// of these cases was to block forever.
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

// TestOneShotRefusesWhatHasNoEnd: a FIFO, a character device, a socket and
// a directory give an error matching ErrNotMappable at once, and nothing
// is read from the FIFO: a writer's data is still there for its reader.
func TestOneShotRefusesWhatHasNoEnd(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// The test holds both ends, so the FIFO has a writer and data.
	end, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer end.Close()
	if _, err := end.WriteString("writer's data"); err != nil {
		t.Fatal(err)
	}
	paths := []string{fifo, "/dev/zero", dir}
	if addr, err := mkSocket(dir); err == nil {
		paths = append(paths, addr)
	}
	for _, path := range paths {
		for _, sub := range []string{"", "x", "writer"} {
			within(t, 5*time.Second, "FindInFile("+path+")", func() {
				if i, err := mmap.FindInFile(path, []byte(sub)); !errors.Is(err, mmap.ErrNotMappable) {
					t.Errorf("FindInFile(%s, %q) = %d, %v; want an error matching ErrNotMappable", path, sub, i, err)
				}
			})
			within(t, 5*time.Second, "CountInFile("+path+")", func() {
				if n, err := mmap.CountInFile(path, []byte(sub)); !errors.Is(err, mmap.ErrNotMappable) {
					t.Errorf("CountInFile(%s, %q) = %d, %v; want an error matching ErrNotMappable", path, sub, n, err)
				}
			})
		}
	}
	// A FIFO without a writer: refused at once too, not waited on.
	lone := filepath.Join(dir, "lone")
	if err := unix.Mkfifo(lone, 0o600); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, "FindInFile(a FIFO without a writer)", func() {
		if _, err := mmap.FindInFile(lone, []byte("x")); !errors.Is(err, mmap.ErrNotMappable) {
			t.Errorf("FindInFile(a FIFO without a writer) = %v, want ErrNotMappable", err)
		}
	})
	got := make([]byte, 64)
	n, err := end.Read(got)
	if err != nil || string(got[:n]) != "writer's data" {
		t.Errorf("the FIFO now holds %q, %v; want the writer's data untouched", got[:n], err)
	}
}

// mkSocket makes a Unix socket in dir and returns its path.
func mkSocket(dir string) (string, error) {
	path := filepath.Join(dir, "sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return "", err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		return "", err
	}
	return path, nil
}
