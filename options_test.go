package mmap_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mmapkit/mmap"
)

func TestOptionsHugePagesAndLock(t *testing.T) {
	data := pattern(4 * mmap.PageSize())
	m, err := mmap.OpenFile(writeFile(t, data), mmap.ReadOnly, mmap.WithHugePages(), mmap.WithPopulate(), mmap.WithLock())
	if err != nil {
		t.Skipf("WithLock: %v (RLIMIT_MEMLOCK?)", err)
	}
	defer m.Close()
	if string(m.Bytes()) != string(data) {
		t.Fatal("contents differ")
	}
	a, err := mmap.Anonymous(3*mmap.PageSize(), mmap.WithHugePages(), mmap.WithPopulate())
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}

func TestStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{mmap.ReadOnly.String(), "ReadOnly"},
		{mmap.ReadWrite.String(), "ReadWrite"},
		{mmap.CopyOnWrite.String(), "CopyOnWrite"},
		{mmap.Mode(7).String(), "Mode(7)"},
		{mmap.AdvicePopulateRead.String(), "AdvicePopulateRead"},
		{mmap.Advice(-1).String(), "Advice(?)"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}

// A fault's message says what faulted, where, and why, on one line.
func TestFaultErrorMessage(t *testing.T) {
	path := writeFile(t, make([]byte, 3*mmap.PageSize()))
	m := mustOpen(t, path, mmap.ReadOnly)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := m.ReadAt(make([]byte, 10), int64(mmap.PageSize()))
	var fe *mmap.FaultError
	if !errors.As(err, &fe) {
		t.Fatalf("ReadAt: %v", err)
	}
	want := "mmap: read at offset " + itoa(int64(mmap.PageSize())) + ": file truncated under the map"
	if err.Error() != want || strings.Contains(err.Error(), "\n") {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
}

// Error messages name the package once and fit on one line, however many
// layers wrap the sentinel inside them.
func TestErrorMessagesReadOnce(t *testing.T) {
	path := writeFile(t, []byte("0123456789"))
	m := mustOpen(t, path, mmap.ReadOnly)
	_, e1 := mmap.Open(t.TempDir())
	_, e2 := mmap.Open(path, mmap.WithOffset(40))
	_, e3 := mmap.OpenFile(path, mmap.ReadOnly, mmap.WithGrow())
	_, e4 := m.ReadAt(make([]byte, 1), -1)
	e5 := m.Move(0, 1, 1)
	_, e6 := m.Seek(-1, 0)
	_, e7 := mmap.Anonymous(-1)
	for i, err := range []error{e1, e2, e3, e4, e5, e6, e7} {
		if err == nil {
			t.Fatalf("error %d is nil", i+1)
		}
		msg := err.Error()
		if strings.Count(msg, "mmap: ") > 1 || strings.Contains(msg, ": mmap: ") || strings.Contains(msg, "\n") {
			t.Errorf("error %d reads %q", i+1, msg)
		}
	}
}
