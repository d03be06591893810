package mmap

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/mmapkit/mmap/internal/scan"
)

// oneShotMmapMin is the file size from which FindInFile and CountInFile map
// the file instead of reading it. Measured on the project's 2-core VM (warm
// page cache, absent needle, full scan, best of 3; open to close):
//
//	size     pread loop   mmap+Index   mmap+POPULATE_READ+Index
//	4 KiB      9 µs         21 µs        21-26 µs
//	64 KiB    13 µs         30 µs        32-39 µs
//	256 KiB   27-44 µs      43-85 µs     48-110 µs
//	1 MiB     72-160 µs    105-310 µs   140-330 µs
//	2.35 MB  170-250 µs    100-540 µs   110-730 µs
//	8 MiB    850 µs         710-3000 µs  900-3000 µs
//	64 MiB   12.3-13.4 ms   10.7-14.3 ms  10.7-14.3 ms
//
// (pread at 1 MiB aligned reads; reads at unaligned file offsets, which an
// overlap-by-copy loop would make, cost up to 4x more and are avoided.)
// Below a few MiB a read loop into a reused buffer wins, because every page
// fault costs 20-35 µs on this VM; above, mmap wins because the scan runs
// on every core straight from the page cache, without a copy. Populating
// first did not pay for a scan that reads every page once.
const oneShotMmapMin = 4 << 20

// oneShotChunk is the read size of the read loop; oneShotFirst is the size
// of its first read, smaller so that an early hit costs little.
const (
	oneShotChunk = 1 << 20
	oneShotFirst = 64 << 10
	oneShotPre   = 4096 // room before the chunk for the previous chunk's tail
)

var oneShotBufs = sync.Pool{New: func() any {
	// One allocation, reused: fresh memory costs 13 µs per 4 KiB page on
	// the project's VM, so a buffer per call would cost more than the scan.
	b := make([]byte, oneShotPre+oneShotChunk)
	return &b
}}

// FindInFile returns the offset of the first occurrence of sub in the file
// at path, or -1, choosing the fastest way for the file's size: a read loop
// into a reused buffer for small files, a map searched on every core for
// large ones. An empty sub is found at 0. Use it for one search per file;
// to search one file many times, Open it and call Find.
// Errors are *fs.PathError values, or *FaultError for a memory fault.
func FindInFile(path string, sub []byte) (int64, error) {
	if len(sub) == 0 {
		if _, err := os.Stat(path); err != nil {
			return -1, err
		}
		return 0, nil
	}
	var found int64 = -1
	err := scanFile(path, sub, func(m *Map) error {
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

// CountInFile returns the number of non-overlapping occurrences of sub in
// the file at path, as Map.Count counts them (an empty sub: the size + 1),
// choosing the fastest way for the file's size as FindInFile does.
// Errors are *fs.PathError values, or *FaultError for a memory fault.
func CountInFile(path string, sub []byte) (int, error) {
	if len(sub) == 0 {
		fi, err := os.Stat(path)
		if err != nil {
			return 0, err
		}
		return int(fi.Size()) + 1, nil
	}
	total := 0
	err := scanFile(path, sub, func(m *Map) error {
		n, err := m.Count(sub)
		total = n
		return err
	}, func(w []byte, _ int64, skip int) (int, bool) {
		// Greedy from skip, where the last match of the previous window
		// ended; report how far the last match here runs.
		end := skip
		scan.Each(w, sub, skip, func(i int) bool {
			total++
			end = i + len(sub)
			return true
		})
		return end, false
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

// scanFile runs mapped on a map of the file when it is large, and otherwise
// calls window for successive windows of the file read at page-aligned
// offsets: each window starts with the last len(sub)-1 bytes of the one
// before, so every occurrence lies wholly in exactly one window. window
// gets the window, the file offset of its first byte and the offset in it
// where matching may start (after the previous window's last match), and
// returns how far its own last match runs and whether to stop.
func scanFile(path string, sub []byte, mapped func(*Map) error, window func(w []byte, base int64, skip int) (int, bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().IsRegular() && fi.Size() >= oneShotMmapMin {
		m, err := MapFile(f, ReadOnly)
		if err == nil {
			defer m.Close()
			err := mapped(m)
			if oe, ok := err.(*OpError); ok { // name the file, as the read loop's errors do
				err = &fs.PathError{Op: oe.Op, Path: path, Err: oe.Err}
			}
			return err
		}
		if !errors.Is(err, ErrNotMappable) {
			return err
		}
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
		n, rerr := f.ReadAt(buf[pre:pre+chunk], off)
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
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}
