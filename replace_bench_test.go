package mmap_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

// BenchmarkReplaceLonger sets moveByPopulate (replace.go): a growing
// ReplaceFile of " the " by " tHHe " in the book, moving the content
// through the map with its pages made writable first by one
// MADV_POPULATE_WRITE ("populate") or by a write fault each ("faults").
// Each iteration replaces forwards and back, so the file returns to the
// book; the shrinking half is the same in both. Compare the two
// interleaved, in one session: .ci/bench-replace-longer.
func BenchmarkReplaceLonger(b *testing.B) {
	book, err := os.ReadFile(bookFile(b))
	if err != nil {
		b.Fatal(err)
	}
	// "rare": 16 MiB with the word once, at the start, so that moving the
	// content, not scanning for it, is the work.
	rare := append([]byte(" the "), bytes.Repeat([]byte("x"), 16<<20)...)
	for _, file := range []struct {
		name string
		data []byte
	}{{"book", book}, {"rare", rare}} {
		old, new := []byte(" the "), []byte(" tHHe ")
		p := filepath.Join(b.TempDir(), "book")
		os.WriteFile(p, file.data, 0o644)
		warmByRead(p)
		for _, mode := range []struct {
			name     string
			populate bool
		}{{"populate", true}, {"faults", false}} {
			b.Run(file.name+"/"+mode.name, func(b *testing.B) {
				defer mmap.SetMoveByPopulate(mmap.SetMoveByPopulate(mode.populate))
				b.SetBytes(int64(len(file.data)))
				cpu0 := cpuTime()
				for b.Loop() {
					mmap.ReplaceFile(p, old, new, -1)
					mmap.ReplaceFile(p, new, old, -1)
				}
				// CPU time, user and system, of the whole process: less
				// disturbed than wall time by the other jobs of a shared VM.
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, file.data) {
			b.Fatal("the file did not come back")
		}
	}
}
