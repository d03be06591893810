package grep

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	re2 "github.com/wasilibs/go-re2"
)

// engineText is the text BenchmarkEngines searches: $GREP_BENCH_TEXT, or
// generated lines.
func engineText(b *testing.B) []byte {
	if p := os.Getenv("GREP_BENCH_TEXT"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data[:min(len(data), 16<<20)]
	}
	b.Skip("set GREP_BENCH_TEXT to a text file")
	return nil
}

type engine interface {
	FindIndex([]byte) []int
	FindAllIndex([]byte, int) [][]int
}

// countLinesLoop counts the lines with a match, one engine call per
// selected line.
func countLinesLoop(re engine, buf []byte) int {
	n := 0
	for pos := 0; pos < len(buf); {
		loc := re.FindIndex(buf[pos:])
		if loc == nil {
			break
		}
		n++
		pos = lineEnd(buf, pos+loc[0]) + 1
	}
	return n
}

// countLinesAll counts the lines with a match from one FindAllIndex per
// window.
func countLinesAll(re engine, buf []byte, window int) int {
	n := 0
	for a := 0; a < len(buf); {
		b := lineStartAfter(buf, a+window)
		last := -1
		for _, loc := range re.FindAllIndex(buf[a:b], -1) {
			if loc[0]+a > last {
				n++
				last = lineEnd(buf, a+loc[0])
			}
		}
		a = b
	}
	return n
}

var enginePatterns = []string{`\b[a-zA-Z]{5}\b`, `timed? out|refused`, `(?i)error`, `^2026-[0-9-]+T12:3`, `ERROR id=[0-9]+ request`}

// BenchmarkEngines compares the regular-expression engines on the patterns
// of scripts/grep-speed: it chooses the engine mmap grep runs.
func BenchmarkEngines(b *testing.B) {
	text := engineText(b)
	for _, p := range enginePatterns {
		expr := "(?m)" + p
		std := regexp.MustCompile(expr)
		r2 := re2.MustCompile(expr)
		r2l := re2.MustCompile(expr)
		r2l.Longest()
		want := countLinesLoop(std, text)
		for _, e := range []struct {
			name  string
			count func() int
		}{
			{"std/loop", func() int { return countLinesLoop(std, text) }},
			{"std/all64k", func() int { return countLinesAll(std, text, 64<<10) }},
			{"re2/loop64k", func() int {
				n := 0
				for a := 0; a < len(text); {
					e := lineStartAfter(text, a+(64<<10))
					n += countLinesLoop(r2, text[a:e])
					a = e
				}
				return n
			}},
			{"re2/all64k", func() int { return countLinesAll(r2, text, 64<<10) }},
			{"re2/all1m", func() int { return countLinesAll(r2, text, 1<<20) }},
		} {
			b.Run(p+"/"+e.name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					if got := e.count(); got != want {
						b.Fatalf("%d lines, want %d", got, want)
					}
				}
			})
		}
	}
	_ = bytes.Count
}
