package mmap_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/mmapkit/mmap"
)

// Durability: what Flush reported is in the file even if the process dies
// the next instant, and a CopyOnWrite map never reaches the file.

const (
	durRecord  = 64   // bytes per record
	durRecords = 1024 // records per file
)

func init() {
	helperRoles["flusher"] = helperFlusher
}

// durRecordBytes is record i as the flusher writes it.
func durRecordBytes(i int) []byte {
	b := make([]byte, durRecord)
	binary.BigEndian.PutUint64(b, uint64(i)+1)
	for j := 8; j < len(b); j++ {
		b[j] = byte(i*31 + j)
	}
	return b
}

// helperFlusher maps the file args[0] in mode args[1] and, for every
// record i, writes it, flushes it (the whole map, or every other time just
// the record's range) and prints "flushed i". After the last record it
// waits to be killed.
func helperFlusher(args []string) int {
	mode := mmap.ReadWrite
	if args[1] == "cow" {
		mode = mmap.CopyOnWrite
	}
	m, err := mmap.OpenFile(args[0], mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range durRecords {
		if _, err := m.WriteAt(durRecordBytes(i), int64(i*durRecord)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if i%2 == 0 {
			err = m.Flush()
		} else {
			err = m.FlushRange(i*durRecord, durRecord)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("flushed %d\n", i) // os.Stdout is not buffered
	}
	time.Sleep(time.Hour)
	return 0
}

// runFlusher starts a flusher on a fresh file, kills it with SIGKILL right
// after it reported its killAfter-th flush, and returns the file's path and
// every record the flusher reported flushed (also those it reported after
// the kill was sent).
func runFlusher(t *testing.T, mode string, killAfter int) (string, []int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "durable")
	if err := os.WriteFile(path, make([]byte, durRecords*durRecord), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := helperCommand(t, "flusher", path, mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var flushed []int
	killed := false
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		i, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "flushed "))
		if err != nil {
			t.Errorf("flusher said %q", lines.Text())
			continue
		}
		flushed = append(flushed, i)
		if len(flushed) == killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !killed || !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("flusher ended with %v after %d flushes, not by SIGKILL after %d", err, len(flushed), killAfter)
	}
	return path, flushed
}

// TestFlushSurvivesKill has child processes write and Flush records
// through a ReadWrite map and kills each with SIGKILL at a random point:
// every record a child reported flushed must be in the file. At least 100
// flushes are checked.
//
// A process kill leaves the page cache alone, so this shows that flushed
// bytes reach the file whatever happens to the process; that they reach
// the disk itself is up to msync(MS_SYNC), which TestFlushCleansPages
// observes.
func TestFlushSurvivesKill(t *testing.T) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(5, 6))
	checked, children := 0, 0
	for checked < 100 || children < 3 {
		path, flushed := runFlusher(t, "rw", 20+rng.IntN(30))
		children++
		disk, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(disk) != durRecords*durRecord {
			t.Fatalf("the file is %d bytes, want %d", len(disk), durRecords*durRecord)
		}
		for _, i := range flushed {
			if got := disk[i*durRecord : (i+1)*durRecord]; !bytes.Equal(got, durRecordBytes(i)) {
				t.Fatalf("record %d was reported flushed but the file holds %x", i, got)
			}
			checked++
		}
	}
	t.Logf("%d flushed records checked after %d children were killed, in %v", checked, children, time.Since(start))
}

// TestCopyOnWriteNeverReachesFile has a child write and Flush through a
// CopyOnWrite map until it is killed: the file must still be all zeros.
// In this process, a CopyOnWrite map's writes and Flush leave the file and
// other maps of it unchanged too.
func TestCopyOnWriteNeverReachesFile(t *testing.T) {
	path, flushed := runFlusher(t, "cow", 10)
	disk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, make([]byte, durRecords*durRecord)) || len(flushed) < 10 {
		t.Fatalf("the file changed under a CopyOnWrite map (%d flushes reported)", len(flushed))
	}

	content := faultContent(3*mmap.PageSize() + 5)
	path = filepath.Join(t.TempDir(), "cow")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	shared := mustOpen(t, path, mmap.ReadOnly)
	cow := mustOpen(t, path, mmap.CopyOnWrite)
	if n, err := cow.WriteAt(bytes.Repeat([]byte("X"), len(content)), 0); n != len(content) || err != nil {
		t.Fatalf("WriteAt: %d, %v", n, err)
	}
	if err := cow.Move(0, 10, 100); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{cow.Flush(), cow.FlushRange(0, 10), cow.FlushAsync()} {
		if err != nil {
			t.Fatalf("Flush of a CopyOnWrite map: %v", err)
		}
	}
	if err := cow.Resize(10); !errors.Is(err, mmap.ErrReadOnly) {
		t.Fatalf("Resize of a CopyOnWrite map: %v, want ErrReadOnly", err)
	}
	if !bytes.Equal(cow.Bytes(), bytes.Repeat([]byte("X"), len(content))) {
		t.Fatal("the CopyOnWrite map lost its own writes")
	}
	if !bytes.Equal(shared.Bytes(), content) {
		t.Fatal("another map of the file sees a CopyOnWrite map's writes")
	}
	if err := cow.Close(); err != nil {
		t.Fatal(err)
	}
	if disk, _ := os.ReadFile(path); !bytes.Equal(disk, content) {
		t.Fatal("a CopyOnWrite map's writes reached the file")
	}
}

// TestFlushCleansPages looks at the kernel's own page flags
// (/proc/self/pagemap and /proc/kpageflags, readable by root only): a page
// written through a ReadWrite map is dirty, that is not yet written to the
// disk, and Flush leaves it clean. It is skipped where those files cannot
// be read.
func TestFlushCleansPages(t *testing.T) {
	path := writeFaultFile(t, 4*mmap.PageSize())
	m := mustOpen(t, path, mmap.ReadWrite)
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Skip(err)
	}
	defer pagemap.Close()
	kflags, err := os.Open("/proc/kpageflags")
	if err != nil {
		t.Skip(err)
	}
	defer kflags.Close()
	// dirty reports the kernel's dirty flag of the page at map offset off.
	dirty := func(off int) bool {
		t.Helper()
		var addr uintptr
		m.Guard(func(b []byte) error { addr = uintptr(unsafePointerOf(b[off:])); return nil })
		var ent [8]byte
		if _, err := pagemap.ReadAt(ent[:], int64(addr/uintptr(mmap.PageSize()))*8); err != nil {
			t.Skip(err)
		}
		e := binary.LittleEndian.Uint64(ent[:])
		pfn := e & (1<<55 - 1)
		if e&(1<<63) == 0 || pfn == 0 {
			t.Skipf("pagemap gives no page frame (entry %#x): not root?", e)
		}
		if _, err := kflags.ReadAt(ent[:], int64(pfn)*8); err != nil {
			t.Skip(err)
		}
		const kpfDirty = 4
		return binary.LittleEndian.Uint64(ent[:])&(1<<kpfDirty) != 0
	}
	for round := range 5 {
		off := (round % 4) * mmap.PageSize()
		if _, err := m.WriteAt([]byte{'a' + byte(round)}, int64(off+7)); err != nil {
			t.Fatal(err)
		}
		if !dirty(off) {
			t.Skip("the kernel does not show written pages as dirty here")
		}
		if round%2 == 0 {
			err = m.Flush()
		} else {
			err = m.FlushRange(off+7, 1)
		}
		if err != nil {
			t.Fatal(err)
		}
		if dirty(off) {
			t.Fatalf("round %d: the page is still dirty after Flush", round)
		}
	}
}

func unsafePointerOf(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }
