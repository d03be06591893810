//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package mmap_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/mmapkit/mmap"
)

// rawFD opens path with flags and without O_CLOEXEC, as a descriptor
// inherited from a parent is, and closes it when t ends.
func rawFD(t *testing.T, path string, flags int) int {
	t.Helper()
	fd, err := unix.Open(path, flags, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func closeOnExec(t *testing.T, fd int) bool {
	t.Helper()
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil {
		t.Fatal(err)
	}
	return flags&unix.FD_CLOEXEC != 0
}

// TestOpenSharedFailureLeavesDescriptor: an OpenShared or SharedFromEnv
// that fails leaves the descriptor it was given as it found it (not
// close-on-exec), so the caller can still hand it on; one that succeeds
// marks it close-on-exec, as its doc says.
func TestOpenSharedFailureLeavesDescriptor(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, length string
		flags              int
	}{
		{"a directory", dir, "", unix.O_RDONLY},
		{"a write-only descriptor", file, "", unix.O_WRONLY},
		{"a length past the end", file, ":11", unix.O_RDWR},
	} {
		fd := rawFD(t, c.path, c.flags)
		tok := fmt.Sprint(fd, c.length)
		if _, err := mmap.OpenShared(tok); err == nil {
			t.Fatalf("%s: OpenShared(%q) succeeded", c.name, tok)
		}
		if closeOnExec(t, fd) {
			t.Errorf("%s: a failed OpenShared set FD_CLOEXEC on descriptor %d", c.name, fd)
		}
		t.Setenv(mmap.SharedEnv, tok)
		if _, err := mmap.SharedFromEnv(); err == nil {
			t.Fatalf("%s: SharedFromEnv succeeded", c.name)
		}
		if closeOnExec(t, fd) {
			t.Errorf("%s: a failed SharedFromEnv set FD_CLOEXEC on descriptor %d", c.name, fd)
		}
	}
	fd := rawFD(t, file, unix.O_RDWR)
	m, err := mmap.OpenShared(fmt.Sprint(fd))
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !closeOnExec(t, fd) {
		t.Errorf("a successful OpenShared left descriptor %d inheritable", fd)
	}
}

// TestOpenSharedHugeDescriptor: a descriptor number that does not fit a
// C int (fd numbers are ints, at most 2^31-1) is a bad token, never taken
// modulo 2^32 for a low descriptor that happens to be open.
func TestOpenSharedHugeDescriptor(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	fd := rawFD(t, file, unix.O_RDWR)
	for _, h := range []uint64{1<<32 + uint64(fd), 1<<31 + uint64(fd), 1<<63 + uint64(fd)} {
		tok := fmt.Sprintf("%d:10", h)
		m, err := mmap.OpenShared(tok)
		if err == nil {
			m.Close()
			t.Errorf("OpenShared(%q) mapped descriptor %d", tok, fd)
			continue
		}
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("OpenShared(%q) = %v, want an error matching fs.ErrInvalid", tok, err)
		}
	}
}
