package mmap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// Shared-memory helper processes are roles of TestHelperProcess
// (helper_test.go), named "shared/" and the key in sharedRoles; a role gets
// the shared memory through mmap.SharedFromEnv.
func init() {
	for name, fn := range sharedRoles {
		helperRoles["shared/"+name] = func([]string) int {
			if err := fn(); err != nil {
				fmt.Fprintf(os.Stderr, "helper shared/%s: %v\n", name, err)
				return 1
			}
			return 0
		}
	}
}

const counterAdds = 100_000

var sharedRoles = map[string]func() error{
	// write-b writes 50 bytes of 'b' at the start of the memory.
	"write-b": func() error {
		m, err := mmap.SharedFromEnv()
		if err != nil {
			return err
		}
		defer m.Close()
		if m.Len() != 100 {
			return fmt.Errorf("child sees %d bytes, want 100", m.Len())
		}
		_, err = m.WriteAt(bytes.Repeat([]byte("b"), 50), 0)
		return err
	},
	// count says it is ready (word 1), waits for the go (word 2), then
	// adds 1 to word 0 counterAdds times.
	"count": func() error {
		m, err := mmap.SharedFromEnv()
		if err != nil {
			return err
		}
		defer m.Close()
		return countRole(m)
	},
	// report prints the length and mode of what it was given.
	"report": func() error {
		m, err := mmap.SharedFromEnv()
		if err != nil {
			return err
		}
		defer m.Close()
		b, _ := m.At(m.Len() - 1)
		fmt.Printf("%d %v %c", m.Len(), m.Mode(), b)
		return nil
	},
	// truncate tries to shrink the inherited memfd behind the parent's
	// back, which the seal must refuse.
	"truncate": func() error {
		f := os.NewFile(3, "inherited")
		if err := f.Truncate(0); !errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("truncating the shared memfd: %v, want EPERM", err)
		}
		return nil
	},
}

func countRole(m *mmap.Map) error {
	counter, err := mmap.AtomicUint64(m, 0)
	if err != nil {
		return err
	}
	ready, err := mmap.AtomicUint32(m, 8)
	if err != nil {
		return err
	}
	start, err := mmap.AtomicUint32(m, 12)
	if err != nil {
		return err
	}
	ready.Add(1)
	for start.Load() == 0 {
		runtime.Gosched()
	}
	for range counterAdds {
		counter.Add(1)
	}
	return nil
}

func sharedHelper(t *testing.T, role string) *exec.Cmd {
	t.Helper()
	return helperCommand(t, "shared/"+role)
}

func newShared(t *testing.T, n int) *mmap.Map {
	t.Helper()
	m, err := mmap.Shared(n)
	if err != nil {
		t.Fatalf("Shared(%d): %v", n, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// The seed's example: the parent fills 100 bytes with 'a', a child writes
// 50 bytes of 'b', and the parent sees the child's write.
func TestSharedChildWrites(t *testing.T) {
	m := newShared(t, 100)
	if got := m.Bytes(); !bytes.Equal(got, make([]byte, 100)) {
		t.Fatalf("new shared memory is not zeroed: %q", got)
	}
	copy(m.Bytes(), bytes.Repeat([]byte("a"), 100))
	cmd := sharedHelper(t, "write-b")
	token, err := m.ShareWith(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(token, ":100") {
		t.Errorf("token %q does not end in the length :100", token)
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	want := strings.Repeat("b", 50) + strings.Repeat("a", 50)
	if got := string(m.Bytes()); got != want {
		t.Fatalf("parent sees %q, want %q", got, want)
	}
}

// Two processes, the parent and a child, each add 1 to one counter in
// shared memory 100,000 times at the same time: no update is lost.
func TestSharedAtomicCounterTwoProcesses(t *testing.T) {
	m := newShared(t, 4096)
	ready, _ := mmap.AtomicUint32(m, 8)
	start, _ := mmap.AtomicUint32(m, 12)
	cmd := sharedHelper(t, "count")
	if _, err := m.ShareWith(cmd); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Let the child map the memory and get ready, so that both loops run
	// at the same time.
	deadline := time.Now().Add(30 * time.Second)
	for ready.Load() == 0 {
		select {
		case err := <-done:
			t.Fatalf("child exited early: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("child never got ready")
		}
		time.Sleep(time.Millisecond)
	}
	start.Store(1)
	ready.Store(0) // the parent's own countRole waits for start only
	if err := countRole(m); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("child: %v", err)
	}
	counter, _ := mmap.AtomicUint64(m, 0)
	if got := counter.Load(); got != 2*counterAdds {
		t.Fatalf("counter = %d, want %d", got, 2*counterAdds)
	}
}

// A Shared map grows, keeping its contents, and a child started afterwards
// sees the new length; it never shrinks.
func TestSharedResize(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a pagefile section cannot grow")
	}
	m := newShared(t, 100)
	copy(m.Bytes(), "hello")
	if err := m.Resize(3 * mmap.PageSize()); err != nil {
		t.Fatalf("grow: %v", err)
	}
	if m.Len() != 3*mmap.PageSize() || string(m.Bytes()[:5]) != "hello" {
		t.Fatalf("after growing: len %d, %q", m.Len(), m.Bytes()[:5])
	}
	if size, err := m.Size(); err != nil || size != int64(3*mmap.PageSize()) {
		t.Fatalf("Size() = %d, %v", size, err)
	}
	m.Bytes()[m.Len()-1] = 'z'
	for _, n := range []int{100, 0} {
		if err := m.Resize(n); !errors.Is(err, mmap.ErrRange) {
			t.Fatalf("Resize(%d) = %v, want ErrRange", n, err)
		}
	}
	if m.Len() != 3*mmap.PageSize() {
		t.Fatalf("a refused shrink changed the length to %d", m.Len())
	}
	cmd := sharedHelper(t, "report")
	if _, err := m.ShareWith(cmd); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	if want := fmt.Sprintf("%d ReadWrite z", 3*mmap.PageSize()); string(out) != want {
		t.Fatalf("child reports %q, want %q", out, want)
	}
}

// On Linux the memfd is sealed: a child cannot shrink it under the
// parent's map, so the parent cannot fault.
func TestSharedSealedAgainstShrink(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("memfd seals are Linux-only")
	}
	m := newShared(t, 8192)
	cmd := sharedHelper(t, "truncate")
	if _, err := m.ShareWith(cmd); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if _, err := m.WriteAt([]byte("still here"), 8000); err != nil {
		t.Fatal(err)
	}
}

// A Shared map is a Map like any other: offsets, cursor, Find, Flush, Size,
// options, and Close.
func TestSharedMapMethods(t *testing.T) {
	m, err := mmap.Shared(64, mmap.WithPopulate(), mmap.WithGrow())
	if err != nil {
		t.Fatal(err)
	}
	if m.Mode() != mmap.ReadWrite {
		t.Fatalf("mode %v", m.Mode())
	}
	if _, err := m.WriteAt([]byte("needle"), 10); err != nil {
		t.Fatal(err)
	}
	if i, err := m.Find([]byte("needle")); i != 10 || err != nil {
		t.Fatalf("Find = %d, %v", i, err)
	}
	if _, err := m.WriteAt([]byte("tail"), 100); err != nil { // WithGrow
		t.Fatalf("growing write: %v", err)
	}
	if m.Len() != 104 {
		t.Fatalf("len %d after growing write", m.Len())
	}
	if err := m.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	buf := make([]byte, 4)
	if _, err := m.ReadAt(buf, 100); err != nil || string(buf) != "tail" {
		t.Fatalf("ReadAt = %q, %v", buf, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := m.ReadAt(buf, 0); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("ReadAt after Close: %v", err)
	}
}

func TestSharedErrors(t *testing.T) {
	for _, n := range []int{0, -1} {
		if _, err := mmap.Shared(n); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("Shared(%d) = %v, want ErrRange", n, err)
		}
	}

	anon, err := mmap.Anonymous(10)
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if _, err := anon.ShareWith(exec.Command("true")); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("ShareWith of a private map = %v, want fs.ErrInvalid", err)
	}

	m := newShared(t, 10)
	if _, err := m.ShareWith(nil); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("ShareWith(nil) = %v, want fs.ErrInvalid", err)
	}
	started := exec.Command(os.Args[0], "-test.run=^$")
	started.Env = append(os.Environ(), quickRaceExit())
	if err := started.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ShareWith(started); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("ShareWith of a started command = %v, want fs.ErrInvalid", err)
	}
	m.Close()
	if _, err := m.ShareWith(exec.Command("true")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ShareWith after Close = %v, want fs.ErrClosed", err)
	}

	for _, tok := range []string{"", "x", "3:x", "3:-1", ":10", "-3:10"} {
		if _, err := mmap.OpenShared(tok); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("OpenShared(%q) = %v, want fs.ErrInvalid", tok, err)
		}
	}
	if _, err := mmap.OpenShared("987654:10"); err == nil {
		t.Errorf("OpenShared of a descriptor that is not open succeeded")
	}

	t.Setenv(mmap.SharedEnv, "")
	os.Unsetenv(mmap.SharedEnv)
	if _, err := mmap.SharedFromEnv(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SharedFromEnv without %s = %v, want fs.ErrNotExist", mmap.SharedEnv, err)
	}
}

// OpenShared maps a descriptor that came some other way, given a token
// built by hand; one opened read-only gives a ReadOnly map, and the token's
// length may not pass the end of the object.
func TestOpenSharedToken(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("tokens name section handles on Windows")
	}
	path := t.TempDir() + "/f"
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := f.Fd()

	m, err := mmap.OpenShared(fmt.Sprint(fd))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Mode() != mmap.ReadOnly || string(m.Bytes()) != "0123456789" {
		t.Fatalf("mode %v, bytes %q", m.Mode(), m.Bytes())
	}
	if _, err := m.WriteAt([]byte("x"), 0); !errors.Is(err, mmap.ErrReadOnly) {
		t.Fatalf("WriteAt = %v, want ErrReadOnly", err)
	}
	m4, err := mmap.OpenShared(fmt.Sprintf("%d:4", fd))
	if err != nil {
		t.Fatal(err)
	}
	defer m4.Close()
	if string(m4.Bytes()) != "0123" {
		t.Fatalf("bytes %q", m4.Bytes())
	}
	if _, err := mmap.OpenShared(fmt.Sprintf("%d:11", fd)); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("length past the end: %v, want ErrRange", err)
	}
	// The descriptor handed over stays open and usable.
	if _, err := f.ReadAt(make([]byte, 1), 0); err != nil && err != io.EOF {
		t.Fatalf("the given descriptor was closed: %v", err)
	}
}
