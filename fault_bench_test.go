package mmap

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkGuardOverhead measures what fault and lifetime safety cost: the
// shared lock, debug.SetPanicOnFault and the deferred recover around every
// access. Each sub-benchmark runs the guarded method and the same work done
// straight on m.Bytes() (no lock, no guard) in alternating blocks, so that
// both see the same machine load, and reports:
//
//	ns/op           the guarded method
//	direct-ns/op    the same work without the guard
//	overhead-%      (guarded - direct) / direct * 100
//
// Run: go test -run '^$' -bench BenchmarkGuardOverhead -count 5 .
func BenchmarkGuardOverhead(b *testing.B) {
	const size = 1 << 20
	content := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog\n"), size/44+1)[:size]
	path := filepath.Join(b.TempDir(), "bench")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		b.Fatal(err)
	}
	m, err := Open(path, WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	data := m.Bytes()
	p := make([]byte, 4096)
	needle := []byte("not in the file")
	const findLen = 64 << 10

	var sink int
	compare(b, "ReadAt4K", func(i int) {
		off := int64(i*4096) % (size - 4096)
		n, err := m.ReadAt(p, off)
		if err != nil {
			b.Fatal(err)
		}
		sink += n
	}, func(i int) {
		off := int64(i*4096) % (size - 4096)
		sink += copy(p, data[off:off+4096])
	})
	// The same over a 64 MiB map, at offsets that hop around it: the copy
	// comes from RAM rather than the CPU's caches, as it does for files
	// larger than the cache.
	const bigSize = 64 << 20
	bigPath := filepath.Join(b.TempDir(), "big")
	if err := os.WriteFile(bigPath, bytes.Repeat(content, bigSize/size), 0o644); err != nil {
		b.Fatal(err)
	}
	big, err := Open(bigPath, WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer big.Close()
	bigData := big.Bytes()
	hop := func(i int) int64 { return int64(i) * 4096 * 7919 % (bigSize - 4096) }
	compare(b, "ReadAt4KCold", func(i int) {
		n, err := big.ReadAt(p, hop(i))
		if err != nil {
			b.Fatal(err)
		}
		sink += n
	}, func(i int) {
		off := hop(i)
		sink += copy(p, bigData[off:off+4096])
	})
	compare(b, "Find64K", func(i int) {
		start := (i * 4096) % (size - findLen)
		j, err := m.FindIn(needle, start, start+findLen)
		if err != nil {
			b.Fatal(err)
		}
		sink += j
	}, func(i int) {
		start := (i * 4096) % (size - findLen)
		j := bytes.Index(data[start:start+findLen], needle)
		if j >= 0 {
			j += start
		}
		sink += j
	})
	// WriteAt needs a writable map: an anonymous one of the same size.
	w, err := Anonymous(size, WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	wData := w.Bytes()
	compare(b, "WriteAt4K", func(i int) {
		off := int64(i*4096) % (size - 4096)
		n, err := w.WriteAt(p, off)
		if err != nil {
			b.Fatal(err)
		}
		sink += n
	}, func(i int) {
		off := int64(i*4096) % (size - 4096)
		sink += copy(wData[off:off+4096], p)
	})
	compare(b, "At", func(i int) {
		c, err := m.At(i % size)
		if err != nil {
			b.Fatal(err)
		}
		sink += int(c)
	}, func(i int) {
		sink += int(data[i%size])
	})
	_ = sink
}

// compare runs guarded and direct b.N times each, interleaved in blocks
// that take turns at going first, and reports both times and the guard's
// overhead. direct gets other indices than guarded, so that neither finds
// the memory the other just brought into the cache.
func compare(b *testing.B, name string, guarded, direct func(i int)) {
	b.Run(name, func(b *testing.B) {
		const block = 64
		const other = 1<<20 + 4099 // direct's indices are shifted by this
		var tg, td time.Duration
		for i := 0; i < b.N; i += block {
			n := min(block, b.N-i)
			for k := range 2 {
				t0 := time.Now()
				if (i/block+k)%2 == 0 {
					for j := range n {
						guarded(i + j)
					}
					tg += time.Since(t0)
				} else {
					for j := range n {
						direct(other + i + j)
					}
					td += time.Since(t0)
				}
			}
		}
		g, d := float64(tg.Nanoseconds())/float64(b.N), float64(td.Nanoseconds())/float64(b.N)
		b.ReportMetric(g, "ns/op")
		b.ReportMetric(d, "direct-ns/op")
		b.ReportMetric((g-d)/d*100, "overhead-%")
	})
}
