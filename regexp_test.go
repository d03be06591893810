package mmap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

func srchRe(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

var srchPatterns = []string{
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
				data := srchRandom(r, r.Intn(120), "abc \n\n\r\xc3\xa9")
				if iter == 0 {
					data = nil
				}
				m := srchMap(t, data)
				for _, expr := range srchPatterns {
					re := srchRe(expr)
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
		if !mmap.LineSafe(srchRe(e)) {
			t.Errorf("%q: not line-safe, want safe", e)
		}
	}
	for _, e := range unsafe {
		if mmap.LineSafe(srchRe(e)) {
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
	data := srchText(1 << 20)
	m := srchMap(t, data)
	re := srchRe(`\b[a-zA-Z]{5}\b`)
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
	text := string(srchText(50000))
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
	m := srchMap(t, []byte(text))
	for i, p := range patterns {
		n, err := m.CountRegexp(srchRe(p))
		if err != nil || n != want[i] {
			t.Errorf("CountRegexp(%q) = %d, %v; CPython %d", p, n, err, want[i])
		}
	}
}

// Find and RFind with bounds against CPython's bytes.find and bytes.rfind
// (mmap.find follows them since 3.15; the local python3 may be older),
// over every start and end in range(-n-1, n+2), and the same without end.
func TestSearchCPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	hay := []string{"abcabcab", "aaaa", "x", "hello world"}
	subs := []string{"", "a", "ab", "bca", "aa", "zz", "abcabcabc", "o", "lo w"}
	script := `
import mmap, sys, json
d = json.load(sys.stdin)
res = []
for h in d["hay"]:
    b = h.encode()
    m = mmap.mmap(-1, len(b))
    m.write(b)
    n = len(b)
    for s in d["subs"]:
        s = s.encode()
        for i in range(-n-1, n+2):
            res.append([b.find(s, i), b.rfind(s, i)])
            for j in range(-n-1, n+2):
                res.append([b.find(s, i, j), b.rfind(s, i, j)])
print(json.dumps(res))
`
	in, _ := json.Marshal(map[string]any{"hay": hay, "subs": subs})
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want [][2]int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, par := range []bool{false, true} {
		if par {
			mmap.ForceParallelSearch(t, 2)
		}
		k := 0
		for _, h := range hay {
			m := srchMap(t, []byte(h))
			n := len(h)
			for _, s := range subs {
				for i := -n - 1; i < n+2; i++ {
					for jj := -n - 2; jj < n+2; jj++ {
						bounds := []int{i, jj}
						if jj == -n-2 {
							bounds = bounds[:1]
						}
						f, _ := m.Find([]byte(s), bounds...)
						r, _ := m.RFind([]byte(s), bounds...)
						if w := want[k]; f != w[0] || r != w[1] {
							t.Fatalf("%q in %q, bounds %v: find %d rfind %d; CPython %d %d", s, h, bounds, f, r, w[0], w[1])
						}
						k++
					}
				}
			}
			m.Close()
		}
	}
}

// srchText is English-like text: the book when it is there, else made up.
func srchText(n int) []byte {
	book := readBook()
	if book == nil {
		words := strings.Fields("the knight of la mancha rode out in the morning with his squire sancho panza who said that windmills were giants and that 1605 was a year")
		r := rand.New(rand.NewSource(5))
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[r.Intn(len(words))])
			if r.Intn(12) == 0 {
				b.WriteString(".\n")
			} else {
				b.WriteByte(' ')
			}
		}
		book = b.Bytes()
	}
	for len(book) < n {
		book = append(book, book...)
	}
	return book[:n]
}

// heapGrowth runs fn and returns by how much the heap's objects grew
// above what they were before it, at the most, sampled every 100 µs.
func heapGrowth(fn func()) int {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int { metrics.Read(sample); return int(sample[0].Value.Uint64()) }
	base := read()
	peak := base
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			peak = max(peak, read())
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak - base
}

// Issue 9 item 8: a pattern that can match '\n' (so the map cannot be cut
// at newlines) is matched one match at a time, not through one
// FindAllIndex over the map, which held about 25 bytes per byte of map.
func TestRegexpMemoryBounded(t *testing.T) {
	data := bytes.Repeat([]byte("a\n"), 2<<20) // 4 MiB, 2 Mi matches
	m := srchMap(t, data)
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
