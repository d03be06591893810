package mmap_test

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// Lifetime safety: Close racing readers, maps the program forgot to close,
// and descriptors or mappings left behind.

// TestCloseRacesReaders closes a Map while 8 goroutines read it through
// ReadAt, Find and Guard, 10,000 times: every result must be either right
// or fs.ErrClosed, and nothing may crash or race (run it with -race).
func TestCloseRacesReaders(t *testing.T) {
	rounds := 10_000
	if testing.Short() {
		rounds = 1_000
	}
	const workers = 8
	size := 64 << 10
	content := faultContent(size)
	needle := []byte("NEEDLE")
	at := size - 3*len(needle)
	copy(content[at:], needle)
	path := filepath.Join(t.TempDir(), "race")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	start := time.Now()
	rng := rand.New(rand.NewPCG(3, 4))
	var correct, closed, raced atomic.Int64
	for round := 0; round < rounds && !t.Failed(); round++ {
		m, err := mmap.MapFile(f, mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		var roundCorrect, roundClosed atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := make([]byte, 4096)
				// A bounded number of calls: workers that spin until Close
				// would starve the goroutine that calls it of CPU time.
				for i := range 24 {
					var err error
					var ok bool
					switch (w + i) % 3 {
					case 0:
						off := (w*4096 + i*512) % (size - len(p))
						var n int
						n, err = m.ReadAt(p, int64(off))
						ok = err == nil && n == len(p) && bytes.Equal(p, content[off:off+len(p)])
						if err != nil && n != 0 {
							t.Errorf("ReadAt returned %d bytes with %v", n, err)
						}
					case 1:
						var i int
						i, err = m.Find(needle)
						ok = err == nil && i == at
						if err != nil && i != -1 {
							t.Errorf("Find returned %d with %v", i, err)
						}
					case 2:
						err = m.Guard(func(b []byte) error {
							ok = len(b) == size && b[at] == 'N' && b[0] == content[0]
							return nil
						})
						ok = ok && err == nil
					}
					if err != nil {
						if !errors.Is(err, fs.ErrClosed) {
							t.Errorf("worker %d: %v, want success or fs.ErrClosed", w, err)
						}
						roundClosed.Add(1)
						return
					}
					if !ok {
						t.Errorf("worker %d: a wrong result from an open map", w)
						return
					}
					roundCorrect.Add(1)
				}
			}()
		}
		// Close at a random moment, from right away to after the workers
		// made most of their calls, without giving up the CPU.
		for spin, until := 0, time.Now().Add(time.Duration(rng.IntN(250))*time.Microsecond); time.Now().Before(until); spin++ {
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		correct.Add(roundCorrect.Load())
		closed.Add(roundClosed.Load())
		if roundCorrect.Load() > 0 && roundClosed.Load() > 0 {
			raced.Add(1)
		}
	}
	t.Logf("%d rounds, %d workers: %d correct results, %d fs.ErrClosed, %d rounds with both, in %v",
		rounds, workers, correct.Load(), closed.Load(), raced.Load(), time.Since(start))
	if raced.Load() < int64(rounds/20) {
		t.Errorf("Close came during the workers' calls in only %d of %d rounds", raced.Load(), rounds)
	}
}

// mappingsOf counts the lines of /proc/self/maps that map the file at path.
func mappingsOf(t testing.TB, path string) int {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	n := 0
	for line := range strings.Lines(string(maps)) {
		if strings.HasSuffix(strings.TrimSuffix(line, "\n"), " "+path) {
			n++
		}
	}
	return n
}

// descriptorsOf counts the open descriptors of this process on path; with
// path "" it counts them all.
func descriptorsOf(t testing.TB, path string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	if path == "" {
		return len(ents)
	}
	n := 0
	for _, e := range ents {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && target == path {
			n++
		}
	}
	return n
}

func mapsLines(t testing.TB) int {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	return bytes.Count(maps, []byte("\n"))
}

// forgetMaps maps path n times and drops the Maps without closing them.
//
//go:noinline
func forgetMaps(t testing.TB, path string, n int) {
	for range n {
		if _, err := mmap.Open(path); err != nil {
			t.Fatal(err)
		}
	}
}

// TestForgottenMapIsUnmapped leaves maps unclosed and checks, in the
// kernel's own list of this process's mappings and descriptors, that the
// garbage collector unmaps them and closes their descriptors.
func TestForgottenMapIsUnmapped(t *testing.T) {
	const n = 10
	path := writeFaultFile(t, 3*mmap.PageSize())
	if got := mappingsOf(t, path); got != 0 {
		t.Fatalf("%d mappings of a new file", got)
	}
	forgetMaps(t, path, n)
	if got := mappingsOf(t, path); got != n {
		t.Fatalf("%d mappings after mapping the file %d times: the test cannot see them", got, n)
	}
	if got := descriptorsOf(t, path); got != n {
		t.Fatalf("%d descriptors after mapping the file %d times: the test cannot see them", got, n)
	}
	start := time.Now()
	if !waitFor(10*time.Second, func() bool { return mappingsOf(t, path) == 0 && descriptorsOf(t, path) == 0 }) {
		t.Fatalf("after 10 s of garbage collection, %d of %d forgotten maps are still mapped, %d descriptors open",
			mappingsOf(t, path), n, descriptorsOf(t, path))
	}
	t.Logf("%d forgotten maps released %v after they were dropped", n, time.Since(start))
}

// leakOneMap makes a Map and forgets it; its name is what the leak report
// must show.
//
//go:noinline
func leakOneMap(t testing.TB, path string) {
	if _, err := mmap.Open(path); err != nil {
		t.Fatal(err)
	}
}

// TestReportLeaks checks that a forgotten Map is reported with the stack
// that made it, and that maps made after ReportLeaks(nil) are not.
func TestReportLeaks(t *testing.T) {
	path := writeFaultFile(t, mmap.PageSize())
	reports := make(chan string, 100)
	mmap.ReportLeaks(func(stack []byte) {
		select {
		case reports <- string(stack):
		default:
		}
	})
	defer mmap.ReportLeaks(nil)

	// A closed map is not a leak.
	m, err := mmap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	m = nil

	leakOneMap(t, path)
	var found string
	waitFor(10*time.Second, func() bool {
		for {
			select {
			case s := <-reports:
				if strings.Contains(s, "leakOneMap") {
					found = s
					return true
				}
				if strings.Contains(s, "TestReportLeaks") {
					t.Errorf("a closed Map was reported as a leak:\n%s", s)
				}
			default:
				return false
			}
		}
	})
	if found == "" {
		t.Fatal("no leak report for a forgotten Map after 10 s of garbage collection")
	}
	if !strings.Contains(found, "leak_test.go") {
		t.Errorf("the report does not say where the Map was made:\n%s", found)
	}
	if !waitFor(10*time.Second, func() bool { return mappingsOf(t, path) == 0 }) {
		t.Error("the reported map is still mapped")
	}

	mmap.ReportLeaks(nil)
	leakOneMap(t, path)
	if !waitFor(10*time.Second, func() bool { return mappingsOf(t, path) == 0 }) {
		t.Fatal("a forgotten map is not released with leak reports off")
	}
	select {
	case s := <-reports:
		if strings.Contains(s, "leakOneMap") {
			t.Errorf("a leak was reported after ReportLeaks(nil):\n%s", s)
		}
	default:
	}
}

// TestOpenCloseDoesNotLeak opens and closes 100,000 maps of a small file:
// afterwards the process has as many descriptors as before, no mapping of
// the file, and no more mappings than before beyond the runtime's own.
func TestOpenCloseDoesNotLeak(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	path := writeFaultFile(t, 100)
	open := func() {
		m, err := mmap.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := m.At(99); err != nil || c != faultContent(100)[99] {
			t.Fatalf("At(99) = %q, %v", c, err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for range 1000 { // let the runtime settle its own mappings
		open()
	}
	runtime.GC()
	fds, lines := descriptorsOf(t, ""), mapsLines(t)
	start := time.Now()
	for range n {
		open()
	}
	elapsed := time.Since(start)
	runtime.GC()
	if got := descriptorsOf(t, ""); got > fds {
		t.Errorf("%d descriptors after %d maps were opened and closed, %d before", got, n, fds)
	}
	if got := mappingsOf(t, path); got != 0 {
		t.Errorf("%d mappings of the file left after %d maps were closed", got, n)
	}
	// The Go runtime maps memory of its own as it goes; a leak would add a
	// line per map.
	if got := mapsLines(t); got > lines+32 {
		t.Errorf("%d lines in /proc/self/maps after %d maps were opened and closed, %d before", got, n, lines)
	}
	t.Logf("%d maps opened and closed in %v (%v each)", n, elapsed, elapsed/time.Duration(n))
}

// Issue 9 item 7: a method called inside a loop body or Guard callback,
// which holds the Map open, while another goroutine calls Close, returns
// fs.ErrClosed (or completes) instead of waiting for the Close that waits
// for it; Close returns once the outer call ends.
func TestNestedCallDuringClose(t *testing.T) {
	outer := map[string]func(m *mmap.Map, body func()){
		"FindAll": func(m *mmap.Map, body func()) {
			for range m.FindAll([]byte("a")) {
				body()
				break
			}
		},
		"Lines": func(m *mmap.Map, body func()) {
			for range m.Lines() {
				body()
				break
			}
		},
		"Matches": func(m *mmap.Map, body func()) {
			for range m.Matches(regexp.MustCompile(`a`)) {
				body()
				break
			}
		},
		"Guard": func(m *mmap.Map, body func()) {
			m.Guard(func([]byte) error { body(); return nil })
		},
	}
	for name, loop := range outer {
		t.Run(name, func(t *testing.T) {
			m := anonMap(t, []byte("abc\nabc\n"))
			closed := make(chan error, 1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				loop(m, func() {
					go func() { closed <- m.Close() }()
					for !mmap.ClosePending(m) {
						time.Sleep(time.Millisecond)
					}
					// Nested calls of every kind: each must return at once.
					if _, err := m.Find([]byte("b")); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested Find: %v", err)
					}
					if _, err := m.ReadAt(make([]byte, 1), 0); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested ReadAt: %v", err)
					}
					if _, err := m.At(0); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested At: %v", err)
					}
					if m.Len() != 0 {
						t.Errorf("nested Len after Close began: %d", m.Len())
					}
					select {
					case err := <-closed:
						t.Errorf("Close returned (%v) before the outer call ended", err)
					default:
					}
				})
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the nested call deadlocked with Close")
			}
			select {
			case err := <-closed:
				if err != nil {
					t.Fatalf("Close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not return after the outer call ended")
			}
		})
	}
}
