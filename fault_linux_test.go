package mmap_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// Tests that a file truncated under a Map, by another process or through
// another descriptor, gives every method a typed error, never a dead
// process.

const faultFilePages = 16

// wantTruncated fails t unless err is a *FaultError matching ErrTruncated
// and ErrFault, at a map offset in [lo, hi).
func wantTruncated(t testing.TB, what string, err error, lo, hi int64) *mmap.FaultError {
	t.Helper()
	var fe *mmap.FaultError
	if !errors.As(err, &fe) {
		t.Fatalf("%s: err = %v (%T), want a *mmap.FaultError", what, err, err)
	}
	if !errors.Is(err, mmap.ErrTruncated) || !errors.Is(err, mmap.ErrFault) {
		t.Fatalf("%s: err = %v, want it to match ErrTruncated and ErrFault", what, err)
	}
	if fe.Offset < lo || fe.Offset >= hi {
		t.Fatalf("%s: fault at offset %d, want it in [%d, %d)", what, fe.Offset, lo, hi)
	}
	if fe.Addr == 0 && fe.Op != "flush" && fe.Op != "write to" {
		t.Errorf("%s: FaultError without the faulting address: %+v", what, fe)
	}
	return fe
}

// faultCase reads or writes a Map whose file was cut so that the first
// unreadable byte of the map is at cut (a page boundary); it returns the
// method's error and checks what the method returned besides.
type faultCase struct {
	name  string
	mode  mmap.Mode
	exact bool // the error's Offset must be cut itself
	run   func(t *testing.T, m *mmap.Map, cut, newSize int) error
}

var faultCases = []faultCase{
	{"Read", mmap.ReadOnly, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		p := make([]byte, m.Len())
		n, err := m.Read(p)
		if n != cut || m.Pos() != int64(cut) {
			t.Errorf("Read: n = %d, cursor at %d, want both %d", n, m.Pos(), cut)
		}
		if !bytes.Equal(p[:n], cutContent(newSize, cut)) {
			t.Errorf("Read: wrong bytes before the fault")
		}
		return err
	}},
	{"ReadAt", mmap.ReadOnly, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		p := make([]byte, m.Len())
		n, err := m.ReadAt(p, 0)
		if n != cut {
			t.Errorf("ReadAt: n = %d, want %d", n, cut)
		}
		if !bytes.Equal(p[:n], cutContent(newSize, cut)) {
			t.Errorf("ReadAt: wrong bytes before the fault")
		}
		return err
	}},
	{"ReadLine", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		line, err := m.ReadLine()
		if line != nil || m.Pos() != 0 {
			t.Errorf("ReadLine: %d bytes, cursor at %d after a fault", len(line), m.Pos())
		}
		return err
	}},
	{"ReadByte", mmap.ReadOnly, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		if _, err := m.Seek(int64(cut), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		_, err := m.ReadByte()
		if m.Pos() != int64(cut) {
			t.Errorf("ReadByte moved the cursor to %d after a fault", m.Pos())
		}
		if uerr := m.UnreadByte(); uerr == nil {
			t.Errorf("UnreadByte after a faulted ReadByte succeeded")
		}
		return err
	}},
	{"ReadRune", mmap.ReadOnly, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		if _, err := m.Seek(int64(cut), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		_, size, err := m.ReadRune()
		if size != 0 || m.Pos() != int64(cut) {
			t.Errorf("ReadRune: size %d, cursor at %d after a fault", size, m.Pos())
		}
		return err
	}},
	{"At", mmap.ReadOnly, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		_, err := m.At(cut)
		return err
	}},
	{"Find", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		i, err := m.Find([]byte("#"))
		if i != -1 {
			t.Errorf("Find = %d after a fault, want -1", i)
		}
		return err
	}},
	{"RFind", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		i, err := m.RFind([]byte("\n"))
		if i != -1 {
			t.Errorf("RFind = %d after a fault, want -1", i)
		}
		return err
	}},
	{"WriteAt", mmap.ReadWrite, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		n, err := m.WriteAt(bytes.Repeat([]byte("W"), m.Len()), 0)
		if n != cut {
			t.Errorf("WriteAt: n = %d, want %d", n, cut)
		}
		return err
	}},
	{"Write", mmap.ReadWrite, true, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		n, err := m.Write(bytes.Repeat([]byte("W"), m.Len()))
		if n != cut || m.Pos() != int64(cut) {
			t.Errorf("Write: n = %d, cursor at %d, want both %d", n, m.Pos(), cut)
		}
		return err
	}},
	{"Move", mmap.ReadWrite, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		return m.Move(0, cut, m.Len()-cut)
	}},
	{"Flush", mmap.ReadWrite, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		return m.Flush()
	}},
	{"WriteTo", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		var buf bytes.Buffer
		_, err := m.WriteTo(&buf)
		return err
	}},
	{"WriteToFile", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		// The kernel, not the CPU, meets the missing pages: write(2)
		// fails with EFAULT instead of raising a signal.
		f, err := os.Create(filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, err = m.WriteTo(f)
		return err
	}},
	{"Guard", mmap.ReadOnly, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		called := false
		err := m.Guard(func(b []byte) error {
			called = true
			var sum byte
			for _, c := range b {
				sum += c
			}
			if sum == 0 {
				return errors.New("impossible")
			}
			return nil
		})
		if !called {
			t.Errorf("Guard did not call its callback")
		}
		return err
	}},
	{"GuardWrite", mmap.ReadWrite, false, func(t *testing.T, m *mmap.Map, cut, newSize int) error {
		return m.Guard(func(b []byte) error {
			for i := range b {
				b[i] = 'G'
			}
			return nil
		})
	}},
}

// TestTruncatedUnderMap maps a file, has it cut short by another process
// (or, every other round, through a second descriptor), and reads or
// writes the map through every method: each round must end in a
// *FaultError matching ErrTruncated, and the map must stay usable.
func TestTruncatedUnderMap(t *testing.T) {
	const rounds = 100
	start := time.Now()
	tr := startTruncator(t)
	page := mmap.PageSize()
	size := faultFilePages * page
	path := filepath.Join(t.TempDir(), "cut")
	rng := rand.New(rand.NewPCG(1, 2))
	perMethod := map[string]int{}
	for round := range rounds {
		c := faultCases[round%len(faultCases)]
		if err := os.WriteFile(path, faultContent(size), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := mmap.OpenFile(path, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		// Cut the file to 1..faultFilePages/2 pages, not on a page boundary
		// when the round says so: the rest of the last page reads as zeros,
		// so the first byte that faults is at the next page boundary.
		newSize := int64(1+rng.IntN(faultFilePages/2)) * int64(page)
		if round%3 != 0 {
			newSize -= int64(1 + rng.IntN(page-1))
		}
		cut := int((newSize + int64(page) - 1) / int64(page) * int64(page))
		how := "child process"
		if round%2 == 0 {
			tr.truncate(t, path, newSize)
		} else {
			how = "second descriptor"
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(newSize); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		t.Run("", func(t *testing.T) {
			what := c.name + " after a cut by a " + how
			lo, hi := int64(cut), int64(size)
			if c.name == "Flush" {
				lo = newSize
			}
			fe := wantTruncated(t, what, c.run(t, m, cut, int(newSize)), lo, hi)
			if c.exact && fe.Offset != int64(cut) {
				t.Errorf("%s: fault at offset %d, want exactly %d", what, fe.Offset, cut)
			}
			// The map still works where the file still is.
			p := make([]byte, 10)
			if n, err := m.ReadAt(p, 0); n != 10 || err != nil {
				t.Errorf("ReadAt(0) after the fault: %d, %v", n, err)
			}
			if _, err := m.At(cut - 1); err != nil {
				t.Errorf("At(%d) after the fault: %v", cut-1, err)
			}
		})
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		perMethod[c.name]++
	}
	t.Logf("%d rounds over %d methods (%v) in %v", rounds, len(perMethod), perMethod, time.Since(start))
}

// TestTruncatedExactCounts checks what ReadAt reports for a range that
// crosses the file's new end: n is the count of bytes up to the end of the
// last page that can still be read, and the FaultError's Offset is where
// the first byte that could not be read lies.
func TestTruncatedExactCounts(t *testing.T) {
	page := mmap.PageSize()
	size := faultFilePages * page
	for _, tc := range []struct {
		newSize int // where the file is cut
		off     int // where ReadAt starts
	}{
		{newSize: 3 * page, off: 0},
		{newSize: 3*page - 1, off: 0},
		{newSize: 3*page + 1, off: 100},
		{newSize: 1, off: 0},
		{newSize: 5*page + 17, off: 6*page - 1},
		{newSize: 5*page + 17, off: 2 * page},
		{newSize: 0, off: 10},
	} {
		path := filepath.Join(t.TempDir(), "cut")
		if err := os.WriteFile(path, faultContent(size), 0o644); err != nil {
			t.Fatal(err)
		}
		m := mustOpen(t, path, mmap.ReadOnly)
		if err := os.Truncate(path, int64(tc.newSize)); err != nil {
			t.Fatal(err)
		}
		cut := (tc.newSize + page - 1) / page * page
		p := make([]byte, size-tc.off)
		n, err := m.ReadAt(p, int64(tc.off))
		wantN := max(cut-tc.off, 0)
		fe := wantTruncated(t, "ReadAt", err, int64(max(cut, tc.off)), int64(size))
		if n != wantN || fe.Offset != int64(tc.off+n) {
			t.Errorf("cut at %d, ReadAt from %d: n = %d, Offset = %d, want %d and %d", tc.newSize, tc.off, n, fe.Offset, wantN, tc.off+wantN)
		}
		if want := cutContent(tc.newSize, cut); tc.off < cut && !bytes.Equal(p[:n], want[tc.off:]) {
			t.Errorf("cut at %d, ReadAt from %d: wrong bytes", tc.newSize, tc.off)
		}
	}
}

// TestTruncatedLargeMapIsQuick reads a 64 MiB map of a file cut to one
// page: finding where the readable part ends must take a few faults, not
// one per cache line of the missing part (which took seconds).
func TestTruncatedLargeMapIsQuick(t *testing.T) {
	const size = 64 << 20
	path := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite} {
		m := mustOpen(t, path, mode)
		if err := os.Truncate(path, int64(mmap.PageSize())); err != nil {
			t.Fatal(err)
		}
		p := make([]byte, size)
		start := time.Now()
		n, err := m.ReadAt(p, 0)
		wantTruncated(t, "ReadAt", err, int64(mmap.PageSize()), size)
		if n != mmap.PageSize() {
			t.Errorf("ReadAt: n = %d, want %d", n, mmap.PageSize())
		}
		if mode == mmap.ReadWrite {
			n, err = m.WriteAt(p, 0)
			wantTruncated(t, "WriteAt", err, int64(mmap.PageSize()), size)
			if n != mmap.PageSize() {
				t.Errorf("WriteAt: n = %d, want %d", n, mmap.PageSize())
			}
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("%v: a fault in a 64 MiB copy took %v to resolve", mode, d)
		}
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTruncatedInsideARune cuts the file in the middle of a UTF-8
// sequence: ReadRune must report the fault, not a utf8.RuneError.
func TestTruncatedInsideARune(t *testing.T) {
	page := mmap.PageSize()
	content := faultContent(4 * page)
	copy(content[2*page-1:], "€") // three bytes: one before the page boundary, two after
	path := filepath.Join(t.TempDir(), "rune")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, path, mmap.ReadOnly)
	if _, err := m.Seek(int64(2*page-1), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if r, size, err := m.ReadRune(); r != '€' || size != 3 || err != nil {
		t.Fatalf("ReadRune before the cut: %q, %d, %v", r, size, err)
	}
	if err := os.Truncate(path, int64(2*page)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Seek(int64(2*page-1), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	r, size, err := m.ReadRune()
	wantTruncated(t, "ReadRune", err, int64(2*page), int64(4*page))
	if r != 0 || size != 0 || m.Pos() != int64(2*page-1) {
		t.Errorf("ReadRune across the cut: %q, size %d, cursor at %d", r, size, m.Pos())
	}
}

// TestTruncatedParallelScan cuts a map large enough for Find and RFind to
// scan it on several goroutines: the fault in any of them is the error.
func TestTruncatedParallelScan(t *testing.T) {
	const size = 16 << 20
	path := filepath.Join(t.TempDir(), "large")
	if err := os.WriteFile(path, bytes.Repeat(faultContent(1<<20), size>>20), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, path, mmap.ReadOnly)
	if i, err := m.Find([]byte("#")); i != -1 || err != nil {
		t.Fatalf("Find before the cut: %d, %v", i, err)
	}
	for _, cut := range []int{size / 2, 3 * mmap.PageSize(), size - mmap.PageSize()} {
		if err := os.Truncate(path, int64(cut)); err != nil {
			t.Fatal(err)
		}
		i, err := m.Find([]byte("#"))
		wantTruncated(t, "Find", err, int64(cut), size)
		j, rerr := m.RFind([]byte("#"))
		wantTruncated(t, "RFind", rerr, int64(cut), size)
		if i != -1 || j != -1 {
			t.Errorf("Find, RFind after a cut: %d, %d", i, j)
		}
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTruncatedThenGrown shows that a map whose file was cut and then grown
// again reads once more, without a remap: the pages past the cut read as
// zeros, as the file does.
func TestTruncatedThenGrown(t *testing.T) {
	page := mmap.PageSize()
	size := faultFilePages * page
	path := filepath.Join(t.TempDir(), "regrow")
	if err := os.WriteFile(path, faultContent(size), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, path, mmap.ReadOnly)
	tr := startTruncator(t)
	newSize := 2*page + 5
	tr.truncate(t, path, int64(newSize))
	if _, err := m.Find([]byte("#")); !errors.Is(err, mmap.ErrTruncated) {
		t.Fatalf("Find on the cut file: %v, want ErrTruncated", err)
	}
	tr.truncate(t, path, int64(size))
	p := make([]byte, size)
	if n, err := m.ReadAt(p, 0); n != size || err != nil {
		t.Fatalf("ReadAt after the file grew back: %d, %v", n, err)
	}
	want := append(faultContent(newSize), make([]byte, size-newSize)...)
	if !bytes.Equal(p, want) {
		t.Fatal("the map does not show the file as it is now")
	}
	disk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, p) {
		t.Fatal("the map and the file differ")
	}
	if i, err := m.Find([]byte("#")); i != -1 || err != nil {
		t.Fatalf("Find after the file grew back: %d, %v", i, err)
	}
}

// TestGuardRestoresPanicOnFault checks that Guard and the methods put the
// caller's debug.SetPanicOnFault setting back, whatever it was, also after
// a fault.
func TestGuardRestoresPanicOnFault(t *testing.T) {
	page := mmap.PageSize()
	path := filepath.Join(t.TempDir(), "setting")
	if err := os.WriteFile(path, faultContent(4*page), 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, path, mmap.ReadOnly)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(false))
	for _, cut := range []bool{false, true} {
		if cut {
			if err := os.Truncate(path, int64(page)); err != nil {
				t.Fatal(err)
			}
		}
		for _, setting := range []bool{false, true} {
			debug.SetPanicOnFault(setting)
			err := m.Guard(func(b []byte) error {
				if !debug.SetPanicOnFault(true) { // the guard turned it on...
					t.Error("SetPanicOnFault is off inside Guard")
				}
				if b[len(b)-1] == '#' {
					return errors.New("impossible")
				}
				return nil
			})
			if cut != (err != nil) {
				t.Errorf("cut %v: Guard returned %v", cut, err)
			}
			if got := debug.SetPanicOnFault(setting); got != setting {
				t.Errorf("cut %v: SetPanicOnFault is %v after Guard, want the caller's %v", cut, got, setting)
			}
			_, err = m.ReadAt(make([]byte, 4*page), 0)
			if cut != errors.Is(err, mmap.ErrTruncated) {
				t.Errorf("cut %v: ReadAt returned %v", cut, err)
			}
			if got := debug.SetPanicOnFault(setting); got != setting {
				t.Errorf("cut %v: SetPanicOnFault is %v after ReadAt, want the caller's %v", cut, got, setting)
			}
		}
	}
}

// TestGuardPassesOtherPanicsOn checks that a panic in a Guard callback that
// is not a fault on the map reaches the caller unchanged, and that the Map
// stays open and usable afterwards (Close does not hang on the lock).
func TestGuardPassesOtherPanicsOn(t *testing.T) {
	m := mustOpen(t, writeFaultFile(t, 2*mmap.PageSize()), mmap.ReadOnly)
	type custom struct{ s string }
	var nilMap map[string]int
	var nilPtr *struct{ x int }
	var big []int
	for _, tc := range []struct {
		name string
		fn   func(b []byte) error
		want func(r any) bool
	}{
		{"value", func([]byte) error { panic(custom{"mine"}) }, func(r any) bool { return r == custom{"mine"} }},
		{"error", func([]byte) error { panic(io.ErrUnexpectedEOF) }, func(r any) bool { return r == io.ErrUnexpectedEOF }},
		{"index", func(b []byte) error { _ = b[len(b)+big2(big)]; return nil }, func(r any) bool {
			e, ok := r.(error)
			return ok && strings.Contains(e.Error(), "index out of range")
		}},
		{"nil map", func([]byte) error { nilMap["x"] = 1; return nil }, func(r any) bool {
			e, ok := r.(error)
			return ok && strings.Contains(e.Error(), "nil map")
		}},
		{"nil pointer", func([]byte) error { nilPtr.x = 1; return nil }, func(r any) bool {
			e, ok := r.(error)
			return ok && strings.Contains(e.Error(), "nil pointer dereference")
		}},
	} {
		got := func() (r any) {
			defer func() { r = recover() }()
			err := m.Guard(tc.fn)
			t.Errorf("%s: Guard returned %v instead of panicking", tc.name, err)
			return nil
		}()
		if !tc.want(got) {
			t.Errorf("%s: recovered %#v", tc.name, got)
		}
		if debug.SetPanicOnFault(false) {
			t.Errorf("%s: SetPanicOnFault left on after the panic", tc.name)
		}
		if _, err := m.At(0); err != nil {
			t.Errorf("%s: At after the panic: %v", tc.name, err)
		}
	}
	done := make(chan error)
	go func() { done <- m.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs after a panic in Guard: the lock was not released")
	}
}

// cutContent is what a map of faultContent reads up to the page boundary
// cut after the file was cut to newSize bytes: the rest of the last page
// reads as zeros.
func cutContent(newSize, cut int) []byte {
	return append(faultContent(newSize), make([]byte, cut-newSize)...)
}

// big2 hides a constant from the compiler.
func big2(b []int) int { return len(b) + 2 }
