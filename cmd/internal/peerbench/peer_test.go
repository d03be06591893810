package peerbench

import (
	"bytes"
	"os"
	"path/filepath"
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
	b.Run("mmapkit", func(b *testing.B) {
		for b.Loop() {
			m, err := mmap.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			m.ReadAt(buf, 0)
			m.Close()
		}
	})
	b.Run("x-exp-mmap", func(b *testing.B) {
		for b.Loop() {
			r, err := xmmap.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			r.ReadAt(buf, 0)
			r.Close()
		}
	})
	b.Run("edsrzf", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			m, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			copy(buf, m)
			m.Unmap()
			f.Close()
		}
	})
	b.Run("os.ReadFile", func(b *testing.B) {
		for b.Loop() {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
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
	ours, err := mmap.Open(path, mmap.WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer ours.Close()
	x, err := xmmap.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	f, _ := os.Open(path)
	defer f.Close()
	e, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Unmap()
	b.Run("mmapkit", func(b *testing.B) {
		b.SetBytes(4096)
		i := 0
		for b.Loop() {
			ours.ReadAt(buf, offsets[i%len(offsets)])
			i++
		}
	})
	b.Run("x-exp-mmap", func(b *testing.B) {
		b.SetBytes(4096)
		i := 0
		for b.Loop() {
			x.ReadAt(buf, offsets[i%len(offsets)])
			i++
		}
	})
	b.Run("edsrzf-unguarded", func(b *testing.B) {
		b.SetBytes(4096)
		i := 0
		for b.Loop() {
			off := offsets[i%len(offsets)]
			copy(buf, e[off:off+4096])
			i++
		}
	})
	b.Run("os.File.ReadAt", func(b *testing.B) {
		b.SetBytes(4096)
		i := 0
		for b.Loop() {
			f.ReadAt(buf, offsets[i%len(offsets)])
			i++
		}
	})
}

// BenchmarkFindAbsent: scan a resident 64 MiB map for a needle that is not
// there. x/exp/mmap has no zero-copy access, so it must copy out first.
func BenchmarkFindAbsent(b *testing.B) {
	const size = 64 << 20
	path := makeFile(b, size)
	needle := []byte("Zyxwvuts")
	ours, err := mmap.Open(path, mmap.WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer ours.Close()
	f, _ := os.Open(path)
	defer f.Close()
	e, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Unmap()
	x, err := xmmap.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	b.Run("mmapkit", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if i, _ := ours.Find(needle); i != -1 {
				b.Fatal(i)
			}
		}
	})
	b.Run("edsrzf-bytes.Index", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			//lint:ignore S1003 the benchmark times bytes.Index itself
			if bytes.Index(e, needle) != -1 {
				b.Fatal()
			}
		}
	})
	b.Run("x-exp-mmap-copy", func(b *testing.B) {
		b.SetBytes(size)
		buf := make([]byte, 1<<20)
		for b.Loop() {
			for off := int64(0); off < size; off += int64(len(buf)) - int64(len(needle)) {
				n, _ := x.ReadAt(buf, off)
				//lint:ignore S1003 the benchmark times bytes.Index itself
				if bytes.Index(buf[:n], needle) != -1 {
					b.Fatal()
				}
				if n < len(buf) {
					break
				}
			}
		}
	})
}
