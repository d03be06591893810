package mmap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os/exec"
	"regexp"
	"testing"

	"github.com/mmapkit/mmap"
)

func mustRe(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

var regexpPatterns = []string{
	`a+`, `x*`, `b*`, `ab`, `\bab\b`, `\Bb`, `(?m)^a`, `(?m)b$`, `(?m)^$`, `^a`, `a$`, `\Aa`, `b\z`,
	`(?s)a.b`, `a.b`, `[^a]+`, `[^\n]+`, `\s+`, `\S+`, `\w{2}`, `\W`, `(?i)AB`, `a|`, ``, `\n`, `a\nb`,
	`[a-c]{2,3}`, `(a|b)(b|c)*`, `\b[a-z]{3}\b`, `.`, `.*`, `(?m)^.*$`, `\x0a`, `[[:space:]]`, `\pC`,
	`(?s)x*`, `[^b]*`, `(?s).{2}`, `\n*$`, `é*`,
}

func modelLinesMatching(re *regexp.Regexp, data []byte) int {
	n := 0
	for _, line := range scanLines(data) {
		if re.Match(line) {
			n++
		}
	}
	return n
}

func TestRegexpAgainstFindAllIndex(t *testing.T) {
	for _, block := range []int{0, 1, 2, 5, 16} {
		t.Run(fmt.Sprint("block=", block), func(t *testing.T) {
			if block > 0 {
				mmap.ForceParallelSearch(t, block)
			}
			r := rand.New(rand.NewSource(int64(block)))
			for iter := 0; iter < 60; iter++ {
				data := randomBytes(r, r.Intn(120), "abc \n\n\r\xc3\xa9")
				if iter == 0 {
					data = nil
				}
				m := anonMap(t, data)
				for _, expr := range regexpPatterns {
					re := mustRe(expr)
					want := re.FindAllIndex(data, -1)
					var got [][]int
					for loc, err := range m.Matches(re) {
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, loc)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("Matches(%q) in %q = %v; want %v", expr, data, got, want)
					}
					if n, err := m.CountRegexp(re); err != nil || n != len(want) {
						t.Fatalf("CountRegexp(%q) in %q = %d, %v; want %d", expr, data, n, err, len(want))
					}
					if n, err := m.CountLinesMatching(re); err != nil || n != modelLinesMatching(re, data) {
						t.Fatalf("CountLinesMatching(%q) in %q = %d, %v; want %d", expr, data, n, err, modelLinesMatching(re, data))
					}
					loc, err := m.FindRegexp(re)
					if err != nil || fmt.Sprint(loc) != fmt.Sprint(re.FindIndex(data)) {
						t.Fatalf("FindRegexp(%q) = %v, %v", expr, loc, err)
					}
				}
				m.Close()
			}
		})
	}
}

func TestLineSafe(t *testing.T) {
	safe := []string{`a+`, `\bab\b`, `(?m)^a`, `(?m)b$`, `[^\n]+`, `\w{2}`, `(?i)AB`, ``, `a.b`, `\b[a-zA-Z]{5}\b`, `x*`, `[[:alpha:]]+`, `\S+`}
	unsafe := []string{`^a`, `a$`, `\Aa`, `b\z`, `(?s)a.b`, `[^a]+`, `\s+`, `\W`, `\n`, `a\nb`, `\x0a`, `[[:space:]]`, `\pC`, `\D`, `[\x00-\x7f]`}
	for _, e := range safe {
		if !mmap.LineSafe(mustRe(e)) {
			t.Errorf("%q: not line-safe, want safe", e)
		}
	}
	for _, e := range unsafe {
		if mmap.LineSafe(mustRe(e)) {
			t.Errorf("%q: line-safe, want unsafe", e)
		}
	}
	if mmap.LineSafe(regexp.MustCompilePOSIX(`^a`)) {
		t.Error("POSIX ^a: line-safe")
	}
}

// Five-letter words in a large text, as the seed counts them, on every
// core: the parallel count must be exact.
func TestCountRegexpParallelText(t *testing.T) {
	data := englishText(1 << 20)
	m := anonMap(t, data)
	re := mustRe(`\b[a-zA-Z]{5}\b`)
	want := len(re.FindAllIndex(data, -1))
	mmap.ForceParallelSearch(t, 3000)
	if n, err := m.CountRegexp(re); err != nil || n != want {
		t.Fatalf("CountRegexp = %d, %v; want %d", n, err, want)
	}
}

// Regex match counts against CPython's re, for patterns both dialects read
// alike (ASCII text, no empty matches).
func TestRegexpCPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	text := string(englishText(50000))
	patterns := []string{`[a-z]+`, `\b[a-zA-Z]{5}\b`, `the`, `(?m)^[A-Z]\w*`, `\d+`, `[aeiou]{2,}`, `\w+ing\b`, `(?i)quixote`, `e\s+t`}
	script := `
import re, sys, json
d = json.load(sys.stdin)
print(json.dumps([len(re.findall(p.encode(), d["text"].encode())) for p in d["patterns"]]))
`
	in, _ := json.Marshal(map[string]any{"text": text, "patterns": patterns})
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	m := anonMap(t, []byte(text))
	for i, p := range patterns {
		n, err := m.CountRegexp(mustRe(p))
		if err != nil || n != want[i] {
			t.Errorf("CountRegexp(%q) = %d, %v; CPython %d", p, n, err, want[i])
		}
	}
}

// Issue 9 item 8: a pattern that can match '\n' (so the map cannot be cut
// at newlines) is matched one match at a time, not through one
// FindAllIndex over the map, which held about 25 bytes per byte of map.
func TestRegexpMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's own allocations blur the heap's growth")
	}
	data := bytes.Repeat([]byte("a\n"), 2<<20) // 4 MiB, 2 Mi matches
	m := anonMap(t, data)
	re := regexp.MustCompile(`(?s)a.`)
	grew := heapGrowth(func() {
		if n, err := m.CountRegexp(re); err != nil || n != 2<<20 {
			t.Errorf("CountRegexp = %d, %v", n, err)
		}
		k := 0
		for _, err := range m.Matches(re) {
			if err != nil {
				t.Fatal(err)
			}
			k++
		}
		if k != 2<<20 {
			t.Errorf("Matches: %d matches", k)
		}
	})
	if grew > 4*len(data) {
		t.Fatalf("the heap grew by %d MiB for a %d MiB map", grew>>20, len(data)>>20)
	}
	t.Logf("the heap grew by %.1f MiB for a %d MiB map", float64(grew)/(1<<20), len(data)>>20)
}
