package mmap

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sync"

	"github.com/mmapkit/mmap/internal/scan"
)

// oneShotMmapMin is the file size from which FindInFile and CountInFile map
// the file instead of reading it. BenchmarkOneShotCrossover (in
// cmd/internal/peerbench) sets it: a full scan of a warm file, open to
// close, by a read loop of 1 MiB preads into a reused buffer against
// Open+Find+Close; the threshold is the smallest size from which mapping
// stays ahead. Below it a read loop wins because each page fault of a map
// costs more than copying the page; above it the map is scanned on every
// core straight from the page cache. Populating first did not pay for a
// scan that reads every page once. The value is kept above the crossover
// that benchmark measured on the project's machines (between 256 KiB and
// 1 MiB in the last run): a map's fixed cost also falls on an early hit,
// which the read loop finds in its first 64 KiB read.
const oneShotMmapMin = 4 << 20

// oneShotChunk is the read size of the read loop; oneShotFirst is the size
// of its first read, smaller so that an early hit costs little.
const (
	oneShotChunk = 1 << 20
	oneShotFirst = 64 << 10
	oneShotPre   = 4096 // room before the chunk for the previous chunk's tail
)

var oneShotBufs = sync.Pool{New: func() any {
	// One allocation, reused: a fresh buffer costs a page fault per 4 KiB
	// page, more than scanning the page (BenchmarkOneShotBook).
	b := make([]byte, oneShotPre+oneShotChunk)
	return &b
}}

// FindInFile returns the offset of the first occurrence of sub in the file
// at path, or -1, choosing the fastest way for the file's size: a read loop
// into a reused buffer for small files, a map searched on every core for
// large ones, and the read loop again for a file too large to map here (a
// 32-bit process), so that any size can be searched. An empty sub is found
// at 0. Use it for one search per file; to search one file many times, Open
// it and call Find.
//
// A file whose size reads as 0 or less than it holds (/proc, /sys) is read
// to its end. A FIFO, socket, directory or character device gives an error
// matching ErrNotMappable at once, without reading from it. Python:
// mmap.mmap(f.fileno(), 0, access=ACCESS_READ).find(sub).
// Errors are *fs.PathError values, or *FaultError for a memory fault.
func FindInFile(path string, sub []byte) (int64, error) {
	src, err := openScan(path)
	if err != nil {
		return -1, err
	}
	defer src.close()
	if len(sub) == 0 {
		return 0, nil
	}
	if src.trustSize() {
		// An early hit is the common case (the first " the " of a book,
		// a field near a header): one pread of the first oneShotFirst
		// bytes costs a fraction of a map's system calls and first
		// faults (the bench's find row times both). A read error falls
		// through to the map, which reports what is wrong.
		bp := oneShotBufs.Get().(*[]byte)
		n, _ := src.readAt((*bp)[:oneShotFirst], 0)
		i := bytes.Index((*bp)[:max(n, 0)], sub)
		oneShotBufs.Put(bp)
		if i >= 0 {
			return int64(i), nil
		}
	}
	var found int64 = -1
	err = src.scan(sub, func(m *Map) error {
		i, err := m.Find(sub)
		found = int64(i)
		return err
	}, func(w []byte, base int64, _ int) (int, bool) {
		if i := bytes.Index(w, sub); i >= 0 {
			found = base + int64(i)
			return 0, true
		}
		return 0, false
	})
	if err != nil {
		return -1, err
	}
	return found, nil
}

// FindInFileAt returns the offset from the start of the file of the first
// occurrence of sub at or after byte offset start of the file at path, or
// -1 (also for a start past the end), as Python's
// mmap.mmap(...).find(sub, start) does, choosing its way as FindInFile
// does; an empty sub is found at start when start is within the file. It
// reads the 64 KiB at start first, so a hit near start costs one pread
// however large the file. A negative start is an error matching ErrRange.
// Errors are *fs.PathError values, or *FaultError for a memory fault.
func FindInFileAt(path string, sub []byte, start int64) (int64, error) {
	if start < 0 {
		return -1, &fs.PathError{Op: "find", Path: path, Err: rangeErr("negative start %d", start)}
	}
	src, err := openScan(path)
	if err != nil {
		return -1, err
	}
	defer src.close()
	if src.trustSize() || src.regular && src.size > 0 {
		if start > src.size || len(sub) == 0 {
			if start > src.size {
				return -1, nil
			}
			return start, nil
		}
		bp := oneShotBufs.Get().(*[]byte)
		n, _ := src.readAt((*bp)[:oneShotFirst], start)
		i := bytes.Index((*bp)[:max(n, 0)], sub)
		oneShotBufs.Put(bp)
		if i >= 0 {
			return start + int64(i), nil
		}
	}
	var found int64 = -1
	err = src.scan(sub, func(m *Map) error {
		if start > int64(m.Len()) {
			return nil
		}
		i, err := m.FindIn(sub, int(start), math.MaxInt)
		found = int64(i)
		return err
	}, func(w []byte, base int64, _ int) (int, bool) {
		from := max(start-base, 0)
		if from > int64(len(w)) {
			return 0, false
		}
		if i := bytes.Index(w[from:], sub); i >= 0 {
			found = base + from + int64(i)
			return 0, true
		}
		return 0, false
	})
	if err != nil {
		return -1, err
	}
	if found < 0 && len(sub) == 0 && start == 0 {
		return 0, nil
	}
	return found, nil
}

// CountInFile returns the number of non-overlapping occurrences of sub in
// the file at path, as Map.Count counts them (an empty sub: the number of
// bytes + 1), choosing the fastest way for the file's size as FindInFile
// does, and refusing the same files. A count that does not fit in an int
// (a file over 2 GiB in a 32-bit process) is an error matching ErrRange,
// never a wrapped number. Python: mmap.mmap(...).count(sub) (3.13).
// Errors are *fs.PathError values, or *FaultError for a memory fault.
func CountInFile(path string, sub []byte) (int, error) {
	src, err := openScan(path)
	if err != nil {
		return 0, err
	}
	defer src.close()
	var total int64
	switch {
	case len(sub) == 0 && src.trustSize():
		total = src.size + 1
	case len(sub) == 0:
		err = src.scan(nil, func(m *Map) error {
			total = int64(m.Len())
			return nil
		}, func(w []byte, base int64, _ int) (int, bool) {
			total = base + int64(len(w))
			return 0, false
		})
		total++
	case len(sub) == 1:
		// One byte: no match spans two windows, and bytes.Count is
		// vectorised where bytes.Index in a loop is not.
		err = src.scan(sub, func(m *Map) error {
			n, err := m.Count(sub)
			total = int64(n)
			return err
		}, func(w []byte, _ int64, _ int) (int, bool) {
			total += int64(bytes.Count(w, sub))
			return 0, false
		})
	default:
		err = src.scan(sub, func(m *Map) error {
			n, err := m.Count(sub)
			total = int64(n)
			return err
		}, func(w []byte, _ int64, skip int) (int, bool) {
			// Greedy from skip, where the last match of the previous
			// window ended; report how far the last match here runs.
			end := skip
			scan.Each(w, sub, skip, func(i int) bool {
				total++
				end = i + len(sub)
				return true
			})
			return end, false
		})
	}
	if err != nil {
		return 0, err
	}
	if total > math.MaxInt {
		return 0, &fs.PathError{Op: "count", Path: path, Err: rangeErr("%d occurrences do not fit in an int", total)}
	}
	return int(total), nil
}

// scanSource is a file opened for a one-shot search: its descriptor
// (platform-specific, in oneshot_*.go), its size as stat reports it, and
// whether it is a regular file.
//
// trustSize reports whether the size stat gave is the file's: a regular
// file large enough to map. Pseudo files (/proc, /sys) are small and may
// report 0 or a page for any content.
func (s *scanSource) trustSize() bool { return s.regular && s.size >= oneShotMmapMin }

// checkScannable refuses what a search cannot read to an end without side
// effects: a FIFO or socket (reading consumes another process's data, and
// may block), a directory, a character device (/dev/zero never ends).
// Regular files and block devices pass.
func checkScannable(path string, mode fs.FileMode) error {
	t := mode.Type()
	if t&^fs.ModeDevice == 0 { // a regular file or a block device
		return nil
	}
	kind := "a character device, which has no end"
	switch {
	case t&fs.ModeDir != 0:
		kind = "a directory"
	case t&fs.ModeNamedPipe != 0:
		kind = "a FIFO: reading would consume a writer's data"
	case t&fs.ModeSocket != 0:
		kind = "a socket"
	case t&fs.ModeCharDevice == 0:
		kind = "not a regular file"
	}
	return &fs.PathError{Op: "search", Path: path, Err: fmt.Errorf("%w: %s", ErrNotMappable, kind)}
}

// scan runs mapped on a map of the file when it is large, and otherwise
// calls window for successive windows of the file read at page-aligned
// offsets: each window starts with the last len(sub)-1 bytes of the one
// before, so every occurrence lies wholly in exactly one window. window
// gets the window, the file offset of its first byte and the offset in it
// where matching may start (after the previous window's last match), and
// returns how far its own last match runs and whether to stop. A file that
// cannot be mapped here (too large for the address space, a file system
// without mmap) is read in windows too.
func (s *scanSource) scan(sub []byte, mapped func(*Map) error, window func(w []byte, base int64, skip int) (int, bool)) error {
	if s.trustSize() {
		m, err := s.mapFile()
		if err == nil {
			defer m.Close()
			err := mapped(m)
			if oe, ok := err.(*OpError); ok { // name the file, as the read loop's errors do
				err = &fs.PathError{Op: oe.Op, Path: s.path, Err: oe.Err}
			}
			return err
		}
		// Too large for the address space (ErrRange, ENOMEM), a file
		// system that cannot map (ErrNotMappable), a port without maps:
		// the read loop reads any file a map would.
	}
	keep := max(len(sub)-1, 0)
	pre := oneShotPre
	var buf []byte
	if keep <= pre {
		bp := oneShotBufs.Get().(*[]byte)
		defer oneShotBufs.Put(bp)
		buf = *bp
	} else {
		pre = (keep + oneShotPre - 1) / oneShotPre * oneShotPre
		buf = make([]byte, pre+oneShotChunk)
	}
	var off int64 // file offset of buf[pre]
	have := 0     // bytes of the previous window's tail kept before buf[pre]
	skip := 0     // where matching may start in the next window
	for chunk := oneShotFirst; ; chunk = oneShotChunk {
		n, rerr := s.readAt(buf[pre:pre+chunk], off)
		if n > 0 || off == 0 {
			w := buf[pre-have : pre+n]
			end, stop := window(w, off-int64(have), skip)
			if stop {
				return nil
			}
			// The next window starts len(w)-k bytes into this one.
			k := min(keep, len(w))
			skip = max(end-(len(w)-k), 0)
			copy(buf[pre-k:pre], w[len(w)-k:])
			have = k
			off += int64(n)
		}
		// A regular file that reported its size ends there: no read
		// just to see EOF. A size of 0 may be a pseudo file's: read on.
		if rerr == io.EOF || rerr == nil && s.regular && s.size > 0 && off >= s.size {
			return nil
		}
		if rerr != nil {
			return &fs.PathError{Op: "read", Path: s.path, Err: rerr}
		}
	}
}
