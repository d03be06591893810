package mmap_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mmapkit/mmap"
)

// Benchmarks for issue 5. Run them side by side and read the ratios of the
// sub-benchmarks, not the absolute times; for example
//
//	go test -run '^$' -bench 'Book|4KiB|Cores' -benchtime 20x -count 3 .
//	go test -run '^$' -bench '1GiB' -benchtime 5x -count 2 -timeout 30m .
//
// The 1 GiB benchmarks make their file in b.TempDir() only when 3 GiB are
// free there, and skip otherwise.

var (
	absent  = []byte("Zyxwvuts") // rare first byte: a scan at memory speed
	theWord = []byte(" the ")
)

// benchFile writes n bytes of English text (the book repeated) to a new
// file and warms it into the page cache as a read leaves it.
func benchFile(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if n >= 1<<30 && testing.Short() {
		b.Skip("-short: not writing a 1 GiB file")
	}
	if n >= 1<<30 && freeDisk(dir) < 3<<30 {
		b.Skipf("need 3 GiB free in %s for a 1 GiB file; have %d MiB", dir, freeDisk(dir)>>20)
	}
	p := filepath.Join(dir, "text")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	unit := englishText(2347956)
	for left := n; left > 0; left -= len(unit) {
		if _, err := f.Write(unit[:min(len(unit), left)]); err != nil {
			b.Fatal(err)
		}
	}
	f.Close()
	warmByRead(p)
	return p
}

func bookFile(b *testing.B) string {
	if _, err := os.Stat(bookPath); err == nil {
		warmByRead(bookPath)
		return bookPath
	}
	return benchFile(b, 2347956)
}

// readLoopIndex is the best plain read loop: a reused 1 MiB buffer, reads
// at aligned offsets, the needle's overlap kept in front.
func readLoopIndex(path string, sub []byte, buf []byte) int64 {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	const pre = 4096
	var off int64
	have := 0
	for {
		n, err := f.ReadAt(buf[pre:], off)
		w := buf[pre-have : pre+n]
		if i := bytes.Index(w, sub); i >= 0 {
			return off - int64(have) + int64(i)
		}
		k := min(len(sub)-1, len(w))
		copy(buf[pre-k:], w[len(w)-k:])
		have = k
		off += int64(n)
		if err != nil {
			return -1
		}
	}
}

// Target: Find over a resident, long-lived 1 GiB map >= 0.9x bytes.Index
// over a 1 GiB buffer in RAM.
func BenchmarkFindResident1GiB(b *testing.B) {
	p := benchFile(b, 1<<30)
	m, err := mmap.Open(p, mmap.WithPopulate())
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.Run("map.Find", func(b *testing.B) {
		b.SetBytes(1 << 30)
		for b.Loop() {
			if i, _ := m.Find(absent); i != -1 {
				b.Fatal(i)
			}
		}
	})
	b.Run("map.Find-1core", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		b.SetBytes(1 << 30)
		for b.Loop() {
			m.Find(absent)
		}
	})
	buf, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bytes.Index-RAM", func(b *testing.B) {
		b.SetBytes(1 << 30)
		for b.Loop() {
			//lint:ignore S1003 the benchmark times bytes.Index itself
			if bytes.Index(buf, absent) != -1 {
				b.Fatal()
			}
		}
	})
}

// Target: one-shot absent-needle scan of a warm 1 GiB file >= 1.5x the
// best read loop.
func BenchmarkOneShot1GiB(b *testing.B) {
	p := benchFile(b, 1<<30)
	b.Run("FindInFile", func(b *testing.B) {
		b.SetBytes(1 << 30)
		for b.Loop() {
			if i, _ := mmap.FindInFile(p, absent); i != -1 {
				b.Fatal(i)
			}
		}
	})
	b.Run("readloop-1MiB", func(b *testing.B) {
		buf := make([]byte, 4096+1<<20)
		b.SetBytes(1 << 30)
		for b.Loop() {
			readLoopIndex(p, absent, buf)
		}
	})
	b.Run("ReadFile+Index", func(b *testing.B) {
		b.SetBytes(1 << 30)
		for b.Loop() {
			d, _ := os.ReadFile(p)
			bytes.Index(d, absent)
		}
	})
}

// Target: Count on 2 cores >= 1.6x one core (64 MiB of text in memory).
func BenchmarkCountCores(b *testing.B) {
	data := englishText(64 << 20)
	m := anonMap(b, data)
	for _, sub := range [][]byte{theWord, absent} {
		for _, procs := range []int{1, 2} {
			b.Run(string(bytes.TrimSpace(sub))+"/procs="+string(rune('0'+procs)), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					m.Count(sub)
				}
			})
		}
	}
}

// Target: one-shot find in the 2.35 MB book >= 1.0x os.ReadFile +
// bytes.Index.
func BenchmarkOneShotBook(b *testing.B) {
	p := bookFile(b)
	for _, sub := range [][]byte{absent, []byte("Sancho Panza was")} {
		name := string(sub)
		b.Run(name+"/FindInFile", func(b *testing.B) {
			for b.Loop() {
				mmap.FindInFile(p, sub)
			}
		})
		b.Run(name+"/Open+Find+Close", func(b *testing.B) {
			for b.Loop() {
				m, _ := mmap.Open(p)
				m.Find(sub)
				m.Close()
			}
		})
		b.Run(name+"/ReadFile+Index", func(b *testing.B) {
			for b.Loop() {
				d, _ := os.ReadFile(p)
				bytes.Index(d, sub)
			}
		})
	}
}

// Target: Open+Find+Close on a 4 KiB file <= 1.2x os.ReadFile +
// bytes.Index.
func BenchmarkSmall4KiB(b *testing.B) {
	p := filepath.Join(b.TempDir(), "small")
	os.WriteFile(p, englishText(4096), 0o644)
	warmByRead(p)
	b.Run("Open+Find+Close", func(b *testing.B) {
		for b.Loop() {
			m, _ := mmap.Open(p)
			m.Find(absent)
			m.Close()
		}
	})
	b.Run("FindInFile", func(b *testing.B) {
		for b.Loop() {
			mmap.FindInFile(p, absent)
		}
	})
	b.Run("ReadFile+Index", func(b *testing.B) {
		for b.Loop() {
			d, _ := os.ReadFile(p)
			bytes.Index(d, absent)
		}
	})
}

// seedReplace is the seed's regular way: read everything, replace, write
// a temporary file, copy it back over the original.
func seedReplace(path string, old, new []byte) {
	d, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	out := bytes.ReplaceAll(d, old, new)
	tmp, err := os.CreateTemp(filepath.Dir(path), "seed")
	if err != nil {
		panic(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	tmp.Write(out)
	tmp.Seek(0, io.SeekStart)
	dst, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	io.Copy(dst, tmp)
	dst.Close()
}

// Targets: replace all in the book, same length >= 3x the seed's regular
// way, another length >= 1.5x. Each iteration replaces forwards and back,
// so the file returns to the book.
func BenchmarkReplaceBook(b *testing.B) {
	book, err := os.ReadFile(bookFile(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, old, new string }{{"same", " the ", " tHe "}, {"longer", " the ", " tHHe "}} {
		p := filepath.Join(b.TempDir(), "book")
		os.WriteFile(p, book, 0o644)
		warmByRead(p)
		old, new := []byte(tc.old), []byte(tc.new)
		b.Run(tc.name+"/ReplaceFile", func(b *testing.B) {
			for b.Loop() {
				mmap.ReplaceFile(p, old, new, -1)
				mmap.ReplaceFile(p, new, old, -1)
			}
		})
		b.Run(tc.name+"/seed-regular", func(b *testing.B) {
			for b.Loop() {
				seedReplace(p, old, new)
				seedReplace(p, new, old)
			}
		})
		if got, _ := os.ReadFile(p); !bytes.Equal(got, book) {
			b.Fatal("the book did not come back")
		}
	}
}

// BenchmarkFindEarlyHit: a hit in the first kilobyte of a 64 MiB map, the
// common case Find looks for on the calling goroutine before it starts the
// others (internal/scan find.go); Find should cost bytes.Index over the
// same bytes plus the guard's fixed cost (the lock and SetPanicOnFault,
// hundreds of nanoseconds), not a fan-out's start-up (microseconds).
func BenchmarkFindEarlyHit(b *testing.B) {
	data := englishText(64 << 20)
	copy(data[1000:], "Zyxwvuts")
	m := anonMap(b, data)
	needle := []byte("Zyxwvuts")
	b.Run("map.Find", func(b *testing.B) {
		for b.Loop() {
			if i, _ := m.Find(needle); i != 1000 {
				b.Fatal(i)
			}
		}
	})
	b.Run("bytes.Index", func(b *testing.B) {
		for b.Loop() {
			if i := bytes.Index(data, needle); i != 1000 {
				b.Fatal(i)
			}
		}
	})
}
