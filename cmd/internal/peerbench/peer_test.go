package peerbench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	edsrzf "github.com/edsrzf/mmap-go"
	xmmap "golang.org/x/exp/mmap"

	"github.com/mmapkit/mmap"
)

func makeFile(b *testing.B, size int) string {
	b.Helper()
	data := bytes.Repeat([]byte("the quick brown fox jumps over a lazy dog\n"), size/42+1)[:size]
	path := filepath.Join(b.TempDir(), "data")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOpenReadClose: open a 4 KiB file, read 4 KiB, close; the
// one-shot cost every small lookup pays.
func BenchmarkOpenReadClose(b *testing.B) {
	path := makeFile(b, 4096)
	buf := make([]byte, 4096)
	interleave(b, []peer{
		{name: "mmapkit", op: func() error {
			m, err := mmap.Open(path)
			if err != nil {
				return err
			}
			if _, err := m.ReadAt(buf, 0); err != nil {
				return err
			}
			return m.Close()
		}},
		{name: "x-exp-mmap", op: func() error {
			r, err := xmmap.Open(path)
			if err != nil {
				return err
			}
			if _, err := r.ReadAt(buf, 0); err != nil {
				return err
			}
			return r.Close()
		}},
		{name: "edsrzf", op: func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			m, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
			if err != nil {
				return err
			}
			copy(buf, m)
			return m.Unmap()
		}},
		{name: "os.ReadFile", op: func() error {
			_, err := os.ReadFile(path)
			return err
		}},
	})
}

// BenchmarkReadAt4K: random 4 KiB reads from a resident 64 MiB map. Ours
// pays for the lock and the fault guard; edsrzf copies with neither.
func BenchmarkReadAt4K(b *testing.B) {
	const size = 64 << 20
	path := makeFile(b, size)
	buf := make([]byte, 4096)
	offsets := make([]int64, 1024)
	for i := range offsets {
		offsets[i] = int64(i*7919*4096) % (size - 4096)
	}
	ours, x, f, e := openPeers(b, path)
	at := func(read func([]byte, int64) (int, error)) func() error {
		i := 0
		return func() error {
			i++
			_, err := read(buf, offsets[i%len(offsets)])
			return err
		}
	}
	interleave(b, []peer{
		{name: "mmapkit", op: at(ours.ReadAt)},
		{name: "x-exp-mmap", op: at(x.ReadAt)},
		{name: "edsrzf-unguarded", op: at(func(p []byte, off int64) (int, error) { return copy(p, e[off:off+4096]), nil })},
		{name: "os.File.ReadAt", op: at(f.ReadAt)},
	})
}

// openPeers opens path with each library the benchmarks compare, ours
// populated; they are closed when b ends.
func openPeers(b *testing.B, path string) (*mmap.Map, *xmmap.ReaderAt, *os.File, edsrzf.MMap) {
	ours, err := mmap.Open(path, mmap.WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ours.Close() })
	x, err := xmmap.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	e, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Unmap() })
	return ours, x, f, e
}

var errFound = errors.New("found a needle that is not there")

// BenchmarkFindAbsent: scan a resident 64 MiB map for a needle that is not
// there. Every peer scans on GOMAXPROCS goroutines, as ours does; x/exp/mmap
// has no zero-copy access, so each of its goroutines copies out first.
func BenchmarkFindAbsent(b *testing.B) {
	const size = 64 << 20
	path := makeFile(b, size)
	needle := []byte("Zyxwvuts")
	ours, x, _, e := openPeers(b, path)
	workers := runtime.GOMAXPROCS(0)
	bufs := make([][]byte, workers)
	for i := range bufs {
		bufs[i] = make([]byte, 1<<20)
	}
	interleave(b, []peer{
		{name: "mmapkit", op: func() error {
			if i, err := ours.Find(needle); err != nil || i != -1 {
				return errors.Join(err, errFound)
			}
			return nil
		}},
		{name: "edsrzf-bytes.Index", op: func() error {
			return split(size, len(needle), workers, func(_, lo, hi int) bool {
				return bytes.Contains(e[lo:hi], needle)
			})
		}},
		{name: "x-exp-mmap-copy", op: func() error {
			return split(size, len(needle), workers, func(w, lo, hi int) bool {
				buf := bufs[w]
				for off := lo; off < hi; off += len(buf) - len(needle) + 1 {
					n, _ := x.ReadAt(buf[:min(len(buf), hi-off)], int64(off))
					if bytes.Contains(buf[:n], needle) {
						return true
					}
					if off+n >= hi {
						break
					}
				}
				return false
			})
		}},
	})
}

// split runs find on workers pieces of [0, size), each reaching len(needle)-1
// bytes into the next so that no occurrence is missed, and returns
// errFound if any piece found the needle.
func split(size, needle, workers int, find func(w, lo, hi int) bool) error {
	var wg sync.WaitGroup
	found := make([]bool, workers)
	for w := range workers {
		lo, hi := w*size/workers, min(size, (w+1)*size/workers+needle-1)
		wg.Go(func() { found[w] = find(w, lo, hi) })
	}
	wg.Wait()
	for _, f := range found {
		if f {
			return errFound
		}
	}
	return nil
}
