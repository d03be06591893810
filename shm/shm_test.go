package shm_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/shm"
)

// Every segment a test run makes starts with prefix, unique to the run, so
// that TestMain can check that none is left behind and helper processes
// (which get the names through the environment) never see other runs'.
var prefix = fmt.Sprintf("mmapkit_shmtest_%d_", os.Getpid())

const (
	roleEnv = "MMAP_SHM_TEST_ROLE"
	nameEnv = "MMAP_SHM_TEST_NAME"
)

var nameSeq atomic.Int64

// newName returns a fresh segment name for this run.
func newName() string { return fmt.Sprintf("%s%d", prefix, nameSeq.Add(1)) }

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv(roleEnv) == "" { // the parent test process, not a helper
		left, _ := filepath.Glob("/dev/shm/" + prefix + "*")
		if len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: segments left behind: %v\n", left)
			for _, p := range left {
				os.Remove(p)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// supported skips the test where this platform has no named shared memory.
func supported(t *testing.T) {
	t.Helper()
	probeOnce.Do(func() {
		s, err := shm.Create(newName(), 1)
		if err != nil {
			probeErr = err
			return
		}
		s.Close()
		s.Unlink()
	})
	if errors.Is(probeErr, errors.ErrUnsupported) {
		t.Skipf("no named shared memory here: %v", probeErr)
	}
}

var (
	probeOnce sync.Once
	probeErr  error
)

// create makes a segment that the test unlinks when it ends, if the test
// did not.
func create(t *testing.T, name string, size int64, opts ...shm.Option) *shm.Segment {
	t.Helper()
	s, err := shm.Create(name, size, opts...)
	if err != nil {
		t.Fatalf("Create(%q, %d): %v", name, size, err)
	}
	t.Cleanup(func() {
		s.Close()
		s.Unlink()
	})
	return s
}

const counterAdds = 100_000

var roles = map[string]func(name string) error{
	// write-b attaches by name and writes 50 bytes of 'b' at the start.
	"write-b": func(name string) error {
		s, err := shm.Open(name)
		if err != nil {
			return err
		}
		defer s.Close()
		_, err = s.Map().WriteAt(bytes.Repeat([]byte("b"), 50), 0)
		return err
	},
	// count attaches, says it is ready (word 1), waits for the go
	// (word 2), then adds 1 to word 0 counterAdds times.
	"count": func(name string) error {
		s, err := shm.Open(name)
		if err != nil {
			return err
		}
		defer s.Close()
		counter, err := mmap.AtomicUint64(s.Map(), 0)
		if err != nil {
			return err
		}
		ready, _ := mmap.AtomicUint32(s.Map(), 8)
		start, _ := mmap.AtomicUint32(s.Map(), 12)
		ready.Add(1)
		for start.Load() == 0 {
			runtime.Gosched()
		}
		for range counterAdds {
			counter.Add(1)
		}
		return nil
	},
}

// TestShmHelperProcess is not a test: it is the entry point of the helper
// processes of this package. Run by "go test" it does nothing.
func TestShmHelperProcess(t *testing.T) {
	role := os.Getenv(roleEnv)
	if role == "" {
		t.Skip("only runs as a helper process")
	}
	fn, ok := roles[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown shm helper role %q\n", role)
		os.Exit(3)
	}
	if err := fn(os.Getenv(nameEnv)); err != nil {
		fmt.Fprintf(os.Stderr, "helper %s: %v\n", role, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func helper(role, name string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestShmHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), roleEnv+"="+role, nameEnv+"="+name, quickRaceExit())
	cmd.Stderr = os.Stderr
	return cmd
}

// The seed's example through a named segment: the parent fills 100 bytes
// with 'a', a child attaches by name and writes 50 bytes of 'b', and the
// parent sees them.
func TestSegmentChildWrites(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 100)
	copy(s.Bytes(), bytes.Repeat([]byte("a"), 100))
	if err := helper("write-b", name).Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	want := strings.Repeat("b", 50) + strings.Repeat("a", 50)
	if got := string(s.Bytes()); got != want {
		t.Fatalf("parent sees %q, want %q", got, want)
	}
}

// Two child processes attach by name and each add 1 to one counter
// 100,000 times, at the same time: the result is exactly 200,000.
func TestSegmentAtomicCounterTwoProcesses(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 64)
	ready, _ := mmap.AtomicUint32(s.Map(), 8)
	start, _ := mmap.AtomicUint32(s.Map(), 12)
	done := make(chan error, 2)
	for range 2 {
		cmd := helper("count", name)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
	}
	deadline := time.Now().Add(30 * time.Second)
	for ready.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("children never got ready")
		}
		time.Sleep(time.Millisecond)
	}
	start.Store(1)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	counter, _ := mmap.AtomicUint64(s.Map(), 0)
	if got := counter.Load(); got != 2*counterAdds {
		t.Fatalf("counter = %d, want %d", got, 2*counterAdds)
	}
}

// Create, attach, see each other's writes; Name, Size, String, List, the
// file's mode, and no page rounding of the size.
func TestCreateOpen(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 4097)
	if s.Name() != name || s.Size() != 4097 || len(s.Bytes()) != 4097 {
		t.Fatalf("name %q size %d len %d", s.Name(), s.Size(), len(s.Bytes()))
	}
	if !bytes.Equal(s.Bytes(), make([]byte, 4097)) {
		t.Fatal("a new segment is not zero-filled")
	}
	if want := fmt.Sprintf("shm.Segment(%q, size=4097)", name); s.String() != want {
		t.Errorf("String() = %s, want %s", s, want)
	}
	s.Bytes()[0] = 42

	o, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Bytes()[0] != 42 {
		t.Fatal("the attached segment does not see the creator's write")
	}
	o.Bytes()[4096] = 7
	if s.Bytes()[4096] != 7 {
		t.Fatal("the creator does not see the attached segment's write")
	}
	if runtime.GOOS != "linux" {
		return
	}
	if o.Size() != 4097 {
		t.Errorf("Open found size %d, want 4097", o.Size())
	}
	fi, err := os.Stat("/dev/shm/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != 0o600 {
		t.Errorf("mode %v, want -rw-------", fi.Mode())
	}
	infos, err := shm.List()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range infos {
		if in.Name == name {
			found = true
			if in.Size != 4097 || in.Mode != 0o600 {
				t.Errorf("List: %+v", in)
			}
		}
	}
	if !found {
		t.Errorf("List does not report %s", name)
	}
}

// An empty name picks a random "psm_" name, as Python does.
func TestCreateRandomName(t *testing.T) {
	supported(t)
	s, err := shm.Create("", 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer s.Unlink()
	if !regexp.MustCompile(`^psm_[0-9a-f]{8}$`).MatchString(s.Name()) {
		t.Fatalf("random name %q", s.Name())
	}
	o, err := shm.Open(s.Name())
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
}

// One leading "/" is dropped, as shm_open and Python do: "/x" and "x" are
// the same segment.
func TestLeadingSlash(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, "/"+name, 8)
	if s.Name() != name {
		t.Fatalf("Name() = %q, want %q", s.Name(), name)
	}
	if _, err := shm.Create(name, 8); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create(%q) after Create(%q) = %v, want fs.ErrExist", name, "/"+name, err)
	}
	for _, n := range []string{name, "/" + name} {
		o, err := shm.Open(n)
		if err != nil {
			t.Fatalf("Open(%q): %v", n, err)
		}
		o.Close()
	}
}

func TestErrors(t *testing.T) {
	supported(t)
	name := newName()
	create(t, name, 16)
	if _, err := shm.Create(name, 16); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create of an existing name: %v, want fs.ErrExist", err)
	}
	missing := newName()
	if _, err := shm.Open(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing name: %v, want fs.ErrNotExist", err)
	}
	if runtime.GOOS != "windows" { // Unlink is a no-op there
		if err := shm.Unlink(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Unlink of a missing name: %v, want fs.ErrNotExist", err)
		}
	}
	for _, size := range []int64{0, -1, -4096} {
		if _, err := shm.Create(newName(), size); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Create with size %d: %v, want fs.ErrInvalid", size, err)
		}
	}
	if _, err := shm.Create(newName(), 8, shm.ReadOnly()); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Create with ReadOnly: %v, want fs.ErrInvalid", err)
	}
	if _, err := shm.Create(newName(), 8, shm.WithMode(fs.ModeDir|0o600)); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Create with a non-permission mode: %v, want fs.ErrInvalid", err)
	}
	var pe *fs.PathError
	if _, err := shm.Open(missing); !errors.As(err, &pe) || pe.Op != "shm open" || pe.Path != missing {
		t.Errorf("Open error %#v is not a PathError naming the segment", err)
	}
}

func TestBadNames(t *testing.T) {
	supported(t)
	for _, name := range []string{
		"/", "a/b", "/a/b", "//" + "x", ".", "..", "/.", "/..",
		"a\x00b", "\x00", strings.Repeat("y", 256), "/" + strings.Repeat("y", 256),
	} {
		if _, err := shm.Create(name, 8); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Create(%q): %v, want fs.ErrInvalid", name, err)
		}
		if _, err := shm.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q): %v, want fs.ErrInvalid", name, err)
		}
		if err := shm.Unlink(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Unlink(%q): %v, want fs.ErrInvalid", name, err)
		}
	}
	if _, err := shm.Open(""); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open(\"\"): %v, want fs.ErrInvalid", err)
	}
	// Names Python accepts work here too.
	long := prefix + strings.Repeat("y", 255-len(prefix))
	if runtime.GOOS == "darwin" {
		long = long[len(long)-31:]
	}
	for _, name := range []string{prefix + "a.b", prefix + "a b", prefix + "ü", long} {
		s, err := shm.Create(name, 8)
		if err != nil {
			t.Errorf("Create(%q): %v", name, err)
			continue
		}
		s.Close()
		if err := s.Unlink(); err != nil {
			t.Errorf("Unlink(%q): %v", name, err)
		}
	}
}

// Close detaches without unlinking and is idempotent; after it the Map
// reports fs.ErrClosed. Unlink removes the name once: a second Unlink is
// fs.ErrNotExist and leaves a new segment of the same name alone, and an
// attached segment keeps its memory.
func TestCloseAndUnlink(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 32)
	copy(s.Bytes(), "kept")
	o, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if s.Bytes() != nil {
		t.Error("Bytes after Close is not nil")
	}
	if _, err := s.Map().ReadAt(make([]byte, 1), 0); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ReadAt after Close: %v, want fs.ErrClosed", err)
	}
	if s.Name() != name || s.Size() != 32 {
		t.Errorf("after Close: name %q size %d", s.Name(), s.Size())
	}
	if runtime.GOOS == "windows" {
		return // no names to unlink
	}
	// Still there: Close did not unlink.
	if o2, err := shm.Open(name); err != nil {
		t.Fatalf("Open after the creator's Close: %v", err)
	} else {
		o2.Close()
	}
	if err := s.Unlink(); err != nil {
		t.Fatalf("Unlink after Close: %v", err)
	}
	if _, err := shm.Open(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open after Unlink: %v, want fs.ErrNotExist", err)
	}
	if string(o.Bytes()[:4]) != "kept" {
		t.Fatal("an attached segment lost its memory on Unlink")
	}
	// The name is free for a new, different segment, which a second
	// Unlink of the old one must not remove.
	fresh := create(t, name, 16)
	if fresh.Bytes()[0] != 0 {
		t.Fatal("the new segment is not fresh")
	}
	if err := s.Unlink(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second Unlink: %v, want fs.ErrNotExist", err)
	}
	if err := o.Unlink(); err != nil { // o never unlinked: it removes the name
		t.Fatalf("Unlink through the other handle: %v", err)
	}
	if err := o.Unlink(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second Unlink through the other handle: %v", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	supported(t)
	name := newName()
	s := create(t, name, 16)
	copy(s.Bytes(), "read me")
	o, err := shm.Open(name, shm.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Map().Mode() != mmap.ReadOnly {
		t.Fatalf("mode %v", o.Map().Mode())
	}
	if _, err := o.Map().WriteAt([]byte("x"), 0); !errors.Is(err, mmap.ErrReadOnly) {
		t.Fatalf("WriteAt: %v, want ErrReadOnly", err)
	}
	if string(o.Bytes()[:7]) != "read me" {
		t.Fatalf("read %q", o.Bytes()[:7])
	}
}

func TestWithMode(t *testing.T) {
	supported(t)
	if runtime.GOOS != "linux" {
		t.Skip("modes are those of files in /dev/shm")
	}
	name := newName()
	create(t, name, 8, shm.WithMode(0o640))
	fi, err := os.Stat("/dev/shm/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", fi.Mode())
	}
}

// A segment whose creator has not sized it yet cannot be attached.
func TestOpenEmpty(t *testing.T) {
	supported(t)
	if runtime.GOOS != "linux" {
		t.Skip("makes the segment by hand in /dev/shm")
	}
	name := newName()
	if err := os.WriteFile("/dev/shm/"+name, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	defer shm.Unlink(name)
	if _, err := shm.Open(name); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("Open of an empty segment: %v, want fs.ErrInvalid", err)
	}
}

// Another process may truncate a /dev/shm segment; the Map's methods then
// return an error instead of crashing.
func TestTruncatedSegment(t *testing.T) {
	supported(t)
	if runtime.GOOS != "linux" {
		t.Skip("truncates the file in /dev/shm")
	}
	name := newName()
	s := create(t, name, int64(4*mmap.PageSize()))
	if err := os.Truncate("/dev/shm/"+name, 0); err != nil {
		t.Fatal(err)
	}
	_, err := s.Map().ReadAt(make([]byte, 10), int64(2*mmap.PageSize()))
	if !errors.Is(err, mmap.ErrTruncated) {
		t.Fatalf("ReadAt of a truncated segment: %v, want ErrTruncated", err)
	}
}

// Go and Python's multiprocessing.shared_memory attach each other's
// segments, in both directions.
func TestPythonInterop(t *testing.T) {
	supported(t)
	if runtime.GOOS != "linux" {
		t.Skip("the namespaces agree on Linux (/dev/shm)")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	// Before 3.13 (track=False), every attach registers the segment with
	// the resource tracker, which unlinks it when Python exits:
	// unregister at once so Python leaves Go's segment alone.
	const attach = `
import sys
from multiprocessing import shared_memory, resource_tracker
def attach(name, **kw):
    m = shared_memory.SharedMemory(name, **kw)
    resource_tracker.unregister(m._name, "shared_memory")
    return m
`
	runPython := func(t *testing.T, script string, args ...string) string {
		t.Helper()
		cmd := exec.Command(python, append([]string{"-c", attach + script}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("python: %v\n%s", err, stderr.Bytes())
		}
		return string(out)
	}

	t.Run("GoCreatesPythonAttaches", func(t *testing.T) {
		name := newName()
		s := create(t, name, 200)
		copy(s.Bytes(), "hello from go")
		out := runPython(t, `
m = attach(sys.argv[1])
print(m.size, bytes(m.buf[:13]).decode())
m.buf[100:114] = b"hi from python"
m.close()
`, name)
		if out != "200 hello from go\n" {
			t.Fatalf("python printed %q", out)
		}
		if got := string(s.Bytes()[100:114]); got != "hi from python" {
			t.Fatalf("Go sees %q", got)
		}
		o, err := shm.Open(name) // Python did not unlink it
		if err != nil {
			t.Fatalf("segment gone after Python exited: %v", err)
		}
		o.Close()
	})

	t.Run("PythonCreatesGoAttaches", func(t *testing.T) {
		name := newName()
		t.Cleanup(func() { shm.Unlink(name) })
		runPython(t, `
m = attach(sys.argv[1], create=True, size=4097)
m.buf[:17] = b"python wrote this"
m.close()
`, name)
		s, err := shm.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if s.Size() != 4097 || string(s.Bytes()[:17]) != "python wrote this" {
			t.Fatalf("size %d, %q", s.Size(), s.Bytes()[:17])
		}
		if err := s.Unlink(); err != nil {
			t.Fatal(err)
		}
	})
}

// quickRaceExit returns the GORACE setting that stops a helper built with
// -race from sleeping a second before it exits, keeping the caller's
// other race options.
func quickRaceExit() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}
