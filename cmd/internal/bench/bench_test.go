package bench

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var benchFile = flag.String("seedfile", "", "file for BenchmarkSeed (default: a generated 2.4 MB text)")

func TestGenerateDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Generate(&a, 100_000); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&b, 100_000); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs generated different text")
	}
	var short bytes.Buffer
	if err := Generate(&short, 12_345); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), short.Bytes()) {
		t.Fatal("the text for a smaller size is not a prefix of the text for a larger one")
	}
}

func TestGenerateSize(t *testing.T) {
	for _, n := range []int64{0, 1, 71, 72, 73, 4096, DefaultSize} {
		var buf bytes.Buffer
		if err := Generate(&buf, n); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != n {
			t.Errorf("Generate(%d) wrote %d bytes", n, buf.Len())
		}
	}
}

func TestGenerateContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, DefaultSize); err != nil {
		t.Fatal(err)
	}
	text := buf.Bytes()
	first := bytes.Index(text, []byte(needle))
	if first < 0 || first > 1000 {
		t.Errorf(`first " the " at %d, want early in the text`, first)
	}
	if n := bytes.Count(text, []byte(needle)); n < DefaultSize/200 {
		t.Errorf(`" the " occurs %d times in %d bytes, want it common`, n, DefaultSize)
	}
	if i := bytes.Index(text[seekOffset:], []byte(needle)); i < 0 {
		t.Error(`no " the " after the seek offset`)
	}
	n, err := seedRegex(writeTemp(t, text))
	if err != nil {
		t.Fatal(err)
	}
	if n < DefaultSize/100 {
		t.Errorf("%d five-letter words in %d bytes, want many", n, DefaultSize)
	}
	for _, line := range bytes.Split(text, []byte("\n")) {
		if len(line) > 80 {
			t.Fatalf("line of %d bytes: %q", len(line), line)
		}
	}
}

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestColumnsAgree runs every column of every comparison on a small text
// and checks they compute the same thing (Run does the same check).
func TestColumnsAgree(t *testing.T) {
	rep, err := Run(context.Background(), Config{Size: 600_000, Runs: 1, MinRep: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 5 {
		t.Fatalf("%d results, want 5", len(rep.Results))
	}
	for _, r := range rep.Results {
		for _, c := range goColumns {
			if !r.Has(c) || r.Cells[c].Median <= 0 {
				t.Errorf("%s: %s not timed", r.Name, c)
			}
		}
	}
}

// BenchmarkSeed times every comparison in every Go column, so that
// `go test -bench . ./internal/bench` shows them side by side:
// BenchmarkSeed/find/regular against BenchmarkSeed/find/mmap.
func BenchmarkSeed(b *testing.B) {
	path := *benchFile
	if path == "" {
		path = filepath.Join(b.TempDir(), "generated.txt")
		if err := GenerateFile(path, DefaultSize); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	work := filepath.Join(b.TempDir(), "work.txt")
	for _, c := range Comparisons() {
		b.Run(c.Name, func(b *testing.B) {
			for _, col := range goColumns {
				if c.Ops[col] == nil {
					continue // the mmap column's call
				}
				b.Run(col.String(), func(b *testing.B) {
					b.SetBytes(fi.Size())
					target := path
					if c.Mutates {
						target = work
					}
					for b.Loop() {
						if c.Mutates {
							b.StopTimer()
							if err := copyFile(work, path); err != nil {
								b.Fatal(err)
							}
							b.StartTimer()
						}
						if _, err := c.Ops[col](target); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
