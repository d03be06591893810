package peerbench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"testing"

	"github.com/mmapkit/mmap"
)

// The benchmarks below set the library's tuned sizes; they use only its
// public API, and interleave their variants as the peers' do.

// crossoverSizes are the file sizes the threshold benchmarks try; -short
// keeps two.
func crossoverSizes() []int {
	if testing.Short() {
		return []int{256 << 10, 4 << 20}
	}
	return []int{64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20}
}

// regexpSizes are the sizes for the standard regexp, a hundred times slower
// than a literal scan.
func regexpSizes() []int {
	if testing.Short() {
		return []int{64 << 10}
	}
	return []int{16 << 10, 64 << 10, 256 << 10, 1 << 20}
}

// BenchmarkOneShotCrossover sets oneShotMmapMin (oneshot.go), the size from
// which FindInFile and CountInFile map the file instead of reading it: a
// full scan for an absent needle of a warm file, open to close, by a read
// loop of 1 MiB preads into a reused buffer against Open+Find+Close. The
// threshold is the smallest size where mmap/pread-loop stays below 1.
func BenchmarkOneShotCrossover(b *testing.B) {
	needle := []byte("Zyxwvuts")
	buf := make([]byte, 1<<20)
	for _, size := range crossoverSizes() {
		b.Run(fmt.Sprint(size>>10, "KiB"), func(b *testing.B) {
			path := makeFile(b, size)
			interleave(b, []peer{
				{name: "pread-loop", op: func() error {
					f, err := os.Open(path)
					if err != nil {
						return err
					}
					defer f.Close()
					for off := int64(0); ; off += int64(len(buf) - len(needle) + 1) {
						n, err := f.ReadAt(buf, off)
						if bytes.Contains(buf[:n], needle) {
							return errFound
						}
						if err == io.EOF {
							return nil
						}
						if err != nil {
							return err
						}
					}
				}},
				{name: "mmap", op: func() error {
					m, err := mmap.Open(path)
					if err != nil {
						return err
					}
					defer m.Close()
					if i, err := m.Find(needle); err != nil || i >= 0 {
						return errors.Join(err, errFound)
					}
					return nil
				}},
			})
		})
	}
}

// BenchmarkParallelCrossover sets parallelThreshold (Find),
// countParallelThreshold (Count, Replace) and regexpParallelThreshold
// (CountRegexp) in search.go: a resident map scanned on one goroutine
// (GOMAXPROCS 1) against all of them. A threshold is the smallest size
// where all-cores/one stays below 1.
func BenchmarkParallelCrossover(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 {
		b.Skip("one CPU: nothing to compare")
	}
	words := regexp.MustCompile(`\b[a-zA-Z]{5}\b`)
	for _, job := range []struct {
		name  string
		run   func(m *mmap.Map) error
		sizes []int
	}{
		{"Find-absent", func(m *mmap.Map) error {
			if i, err := m.Find([]byte("Zyxwvuts")); err != nil || i >= 0 {
				return errors.Join(err, errFound)
			}
			return nil
		}, nil},
		{"Count-the", func(m *mmap.Map) error {
			_, err := m.Count([]byte(" the "))
			return err
		}, nil},
		{"CountRegexp-std", func(m *mmap.Map) error {
			_, err := m.CountRegexp(words)
			return err
		}, regexpSizes()},
	} {
		sizes := job.sizes
		if sizes == nil {
			sizes = crossoverSizes()
		}
		for _, size := range sizes {
			b.Run(fmt.Sprint(job.name, "/", size>>10, "KiB"), func(b *testing.B) {
				m, err := mmap.Open(makeFile(b, size), mmap.WithPopulate())
				if err != nil {
					b.Fatal(err)
				}
				defer m.Close()
				run := func() error { return job.run(m) }
				on := func(p int) func() func() {
					return func() func() {
						old := runtime.GOMAXPROCS(p)
						return func() { runtime.GOMAXPROCS(old) }
					}
				}
				interleave(b, []peer{
					{name: "1-goroutine", op: run, enter: on(1)},
					{name: fmt.Sprint(procs, "-goroutines"), op: run, enter: on(procs)},
				})
			})
		}
	}
}
