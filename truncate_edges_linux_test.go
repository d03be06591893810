package mmap_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/internal/platformtest"
)

// Every method and path that meets a file another process truncated
// reports it as a *FaultError matching ErrTruncated, whatever system call
// met the missing pages; and what the kernel does with the bytes between
// the new end of file and the end of its page, stated in the README's
// Safety section and the FaultError doc, is shown here.

func init() {
	helperRoles["flapper"] = helperFlapper
}

// helperFlapper sets the size of the file args[0] to args[1], then args[2],
// over and over, until its standard input closes.
func helperFlapper(args []string) int {
	a, _ := strconv.ParseInt(args[1], 10, 64)
	b, _ := strconv.ParseInt(args[2], 10, 64)
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	for {
		for _, size := range []int64{a, b} {
			select {
			case <-done:
				return 0
			default:
			}
			os.Truncate(args[0], size)
			time.Sleep(200 * time.Microsecond)
		}
	}
}

// startFlapper starts a flapper on path, stopped when t ends.
func startFlapper(t *testing.T, path string, a, b int64) {
	t.Helper()
	cmd := helperCommand(t, "flapper", path, strconv.FormatInt(a, 10), strconv.FormatInt(b, 10))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
}

// wantCut fails t unless err is a *FaultError matching ErrTruncated with
// Offset at.
func wantCut(t *testing.T, what string, err error, at int64) {
	t.Helper()
	var fe *mmap.FaultError
	if !errors.As(err, &fe) || !errors.Is(err, mmap.ErrTruncated) {
		t.Fatalf("%s: err = %v (%T), want a *FaultError matching ErrTruncated", what, err, err)
	}
	if fe.Offset != at {
		t.Errorf("%s: Offset = %d, want %d", what, fe.Offset, at)
	}
}

// TestTruncatedSystemCalls: the methods whose system calls, not the CPU,
// meet the missing pages (madvise populate, mlock) report a truncated file
// as the others do, not as "bad address" or "cannot allocate memory".
func TestTruncatedSystemCalls(t *testing.T) {
	// qemu-user runs madvise(MADV_POPULATE_*) without touching the pages,
	// so it never meets the cut: the probe that finds its wrong fault
	// addresses stands for the whole emulator.
	platformtest.SkipUnlessTruncationFaults(t)
	const size, cut = 3 * 4096, 5000
	for _, c := range []struct {
		name string
		mode mmap.Mode
		run  func(m *mmap.Map) error
	}{
		{"Advise(PopulateRead)", mmap.ReadOnly, func(m *mmap.Map) error { return m.Advise(mmap.AdvicePopulateRead) }},
		{"AdviseRange(PopulateRead) past the cut", mmap.ReadOnly, func(m *mmap.Map) error { return m.AdviseRange(mmap.AdvicePopulateRead, 9000, 100) }},
		{"Advise(PopulateWrite)", mmap.ReadWrite, func(m *mmap.Map) error { return m.Advise(mmap.AdvicePopulateWrite) }},
		{"Lock", mmap.ReadOnly, func(m *mmap.Map) error { return m.Lock() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeFaultFile(t, size)
			m, err := mmap.OpenFile(path, c.mode)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			startTruncator(t).truncate(t, path, cut)
			err = c.run(m)
			at := int64(cut)
			if c.name == "AdviseRange(PopulateRead) past the cut" {
				at = 9000
			}
			wantCut(t, c.name, err, at)
		})
	}
}

// TestTruncatedWhileOpening: a file that shrinks while it is opened
// WithPopulate or WithLock, or while a one-shot helper or ReplaceFile maps
// it, gives an error matching ErrFault (ErrTruncated when the file is still
// short when the error is built), ErrFileChanged from ReplaceFile, or
// success; never a raw errno.
func TestTruncatedWhileOpening(t *testing.T) {
	// Under qemu-user the faults of a file cut this way come at address 0,
	// which cannot be told from a nil dereference: the probe says so.
	platformtest.SkipUnlessTruncationFaults(t)
	const big = 6 << 20 // past the one-shot helpers' mapping threshold
	path := writeFaultFile(t, big)
	startFlapper(t, path, 4096+100, big)
	calls := []struct {
		name string
		run  func() error
	}{
		{"OpenFile(WithPopulate)", func() error {
			m, err := mmap.OpenFile(path, mmap.ReadOnly, mmap.WithPopulate())
			if err == nil {
				m.Close()
			}
			return err
		}},
		{"OpenFile(WithLock)", func() error {
			m, err := mmap.OpenFile(path, mmap.ReadOnly, mmap.WithLock())
			if err == nil {
				m.Close()
			}
			return err
		}},
		{"CountInFile", func() error { _, err := mmap.CountInFile(path, []byte("#")); return err }},
		{"FindInFile", func() error { _, err := mmap.FindInFile(path, []byte("#")); return err }},
		{"ReplaceFile(WithSafeReplace)", func() error {
			_, err := mmap.ReplaceFile(path, []byte("#"), []byte("#"), -1, mmap.WithSafeReplace())
			return err
		}},
		{"ReplaceFile in place", func() error {
			_, err := mmap.ReplaceFile(path, []byte("a"), []byte("a"), -1)
			return err
		}},
	}
	for _, c := range calls {
		faults := 0
		for deadline := time.Now().Add(400 * time.Millisecond); time.Now().Before(deadline); {
			err := c.run()
			if err == nil || errors.Is(err, mmap.ErrRange) || errors.Is(err, mmap.ErrFileChanged) {
				continue // whole throughout; or stat saw it short and the range past it; or ReplaceFile saw the size change
			}
			if !errors.Is(err, mmap.ErrFault) {
				t.Fatalf("%s: err = %v, want nil or an error matching ErrFault", c.name, err)
			}
			faults++
		}
		t.Logf("%s: %d faults", c.name, faults)
	}
}

// TestTruncatedPageTail shows what the kernel does with the bytes between
// the new end of file and the end of its page: they stay mapped, read as
// zeros and take writes, so ReadAt and WriteAt count them as done; the
// first whole page past the end faults, exactly. Flush reports the range
// past the end as ErrTruncated, and what was written there never reaches
// the file: the kernel drops it.
func TestTruncatedPageTail(t *testing.T) {
	platformtest.SkipUnlessTruncationFaults(t)
	const size, cut = 3 * 4096, 5000
	path := writeFaultFile(t, size)
	m, err := mmap.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tr := startTruncator(t)
	tr.truncate(t, path, cut)

	p := make([]byte, size)
	n, err := m.ReadAt(p, 0)
	if n != 2*4096 {
		t.Fatalf("ReadAt across the cut = %d, %v; want the %d bytes up to the end of the page holding the new end", n, err, 2*4096)
	}
	wantCut(t, "ReadAt across the cut", err, 2*4096)
	if want := faultContent(cut); !bytes.Equal(p[:cut], want) {
		t.Error("ReadAt: the bytes before the new end changed")
	}
	if !bytes.Equal(p[cut:n], make([]byte, n-cut)) {
		t.Error("ReadAt: the bytes between the new end and the end of its page are not zeros")
	}
	if n, err := m.WriteAt([]byte("LOST"), 6000); n != 4 || err != nil {
		t.Fatalf("WriteAt in the page tail = %d, %v; want 4, nil (the kernel takes it)", n, err)
	}
	wantCut(t, "Flush after a write in the page tail", m.Flush(), cut)
	wantCut(t, "FlushRange of the page tail", m.FlushRange(6000, 4), 6000)
	if err := m.FlushRange(0, cut); err != nil {
		t.Errorf("FlushRange of what the file still holds: %v", err)
	}
	// The file grows back: the write in the old page tail is gone.
	tr.truncate(t, path, size)
	got := make([]byte, 4)
	if _, err := m.ReadAt(got, 6000); err != nil || !bytes.Equal(got, make([]byte, 4)) {
		t.Errorf("after the file grew back, ReadAt(6000) = %q, %v; want zeros: the kernel dropped the write", got, err)
	}
	if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("LOST")) {
		t.Error("the write past the new end reached the file")
	}
}

// TestDeviceMapFlush: a ReadWrite map of a device, whose size reads as 0,
// flushes, resizes and faults like memory: the size checks that find a
// truncated file apply to regular files only.
func TestDeviceMapFlush(t *testing.T) {
	f, err := os.OpenFile("/dev/zero", os.O_RDWR, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	m, err := mmap.MapFile(f, mmap.ReadWrite, mmap.WithLength(8192))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.WriteAt([]byte{1}, 100); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(); err != nil {
		t.Errorf("Flush: %v", err)
	}
	if err := m.FlushAsync(); err != nil {
		t.Errorf("FlushAsync: %v", err)
	}
	if err := m.Advise(mmap.AdvicePopulateRead); err != nil {
		t.Errorf("Advise(PopulateRead): %v", err)
	}
	if err := m.Resize(3 * 8192); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Resize of a device map: %v, want an error matching errors.ErrUnsupported", err)
	}
	if b, err := m.At(100); b != 1 || err != nil {
		t.Errorf("At(100) = %d, %v; want 1", b, err)
	}
}
