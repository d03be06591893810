package mmap_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

// Models: Python's bounds, then the bytes package.
func modelBounds(n int, bounds []int) (int, int) {
	clamp := func(i int) int {
		if i < 0 {
			i += n
			if i < 0 {
				return 0
			}
		}
		return i
	}
	// CPython's ADJUST_INDICES: end is lowered to n, start is not.
	s, e := 0, n
	if len(bounds) > 1 {
		e = min(clamp(bounds[1]), n)
	}
	if len(bounds) > 0 {
		s = clamp(bounds[0])
	}
	return s, e
}

func modelFind(data, sub []byte, bounds []int, last bool) int {
	s, e := modelBounds(len(data), bounds)
	if e-s < len(sub) {
		return -1
	}
	var i int
	if last {
		i = bytes.LastIndex(data[s:e], sub)
	} else {
		i = bytes.Index(data[s:e], sub)
	}
	if i >= 0 {
		i += s
	}
	return i
}

// modelCount counts greedily from the left by hand, without the bytes
// package.
func modelCount(data, sub []byte, bounds []int) int {
	s, e := modelBounds(len(data), bounds)
	if len(sub) == 0 {
		return max(e-s+1, 0)
	}
	n := 0
	for i := s; i+len(sub) <= e; {
		if string(data[i:i+len(sub)]) == string(sub) {
			n++
			i += len(sub)
		} else {
			i++
		}
	}
	return n
}

func checkSearch(t *testing.T, m *mmap.Map, data, sub []byte, bounds ...int) {
	t.Helper()
	if got, err := findB(m, sub, bounds...); err != nil || got != modelFind(data, sub, bounds, false) {
		t.Fatalf("Find(%q, %v) in %q = %d, %v; want %d", sub, bounds, trunc(data), got, err, modelFind(data, sub, bounds, false))
	}
	if got, err := rfindB(m, sub, bounds...); err != nil || got != modelFind(data, sub, bounds, true) {
		t.Fatalf("RFind(%q, %v) in %q = %d, %v; want %d", sub, bounds, trunc(data), got, err, modelFind(data, sub, bounds, true))
	}
	want := modelCount(data, sub, bounds)
	if got, err := countB(m, sub, bounds...); err != nil || got != want {
		t.Fatalf("Count(%q, %v) in %q = %d, %v; want %d", sub, bounds, trunc(data), got, err, want)
	}
	if len(sub) > 0 && len(bounds) == 0 && want != bytes.Count(data, sub) {
		t.Fatalf("the model disagrees with bytes.Count")
	}
}

func trunc(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

func TestSearchDifferential(t *testing.T) {
	for _, par := range []int{0, 1, 3, 7, 64} {
		t.Run(fmt.Sprintf("block=%d", par), func(t *testing.T) {
			if par > 0 {
				mmap.ForceParallelSearch(t, par)
			}
			r := rand.New(rand.NewSource(int64(par)))
			for iter := 0; iter < 300; iter++ {
				alpha := []string{"ab", "abc", "a", "abcdefgh"}[r.Intn(4)]
				data := randomBytes(r, r.Intn(300), alpha)
				m := anonMap(t, data)
				for k := 0; k < 8; k++ {
					var sub []byte
					if len(data) > 0 && r.Intn(2) == 0 {
						i := r.Intn(len(data))
						sub = data[i:min(len(data), i+r.Intn(6))]
					} else {
						sub = randomBytes(r, r.Intn(5), alpha)
					}
					checkSearch(t, m, data, sub)
					n := len(data) + 3
					checkSearch(t, m, data, sub, r.Intn(2*n)-n)
					checkSearch(t, m, data, sub, r.Intn(2*n)-n, r.Intn(2*n)-n)
				}
				m.Close()
			}
		})
	}
}

// Self-overlapping needles in periodic text: the stitching of parallel
// counts must agree with bytes.Count whatever the block size.
func TestCountAdversarial(t *testing.T) {
	texts := []string{
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"abababababababababababababababababababababababababababababababababababababababababababab",
		"aabaabaabaabaabaaabaabaabaaaabaabaabaabaabaabaabaaabaabaabaabaabaabaab",
		"abcabcabcabcabcabcabcabcabcabdabcabcabcabcabcabcabcab",
	}
	subs := []string{"aa", "aaa", "aaaa", "aba", "abab", "ababa", "aabaa", "aab", "abcabc", "a", "b", "bab"}
	for block := 1; block <= 9; block++ {
		mmap.ForceParallelSearch(t, block)
		for _, text := range texts {
			for cut := 0; cut < 4; cut++ {
				data := []byte(text[cut:])
				m := anonMap(t, data)
				for _, sub := range subs {
					want := bytes.Count(data, []byte(sub))
					if got, err := m.Count([]byte(sub)); err != nil || got != want {
						t.Fatalf("block %d: Count(%q) in %q = %d, %v; want %d", block, sub, data, got, err, want)
					}
					for s := 0; s < 5; s++ {
						checkSearch(t, m, data, []byte(sub), s, len(data)-s)
					}
				}
				m.Close()
			}
		}
	}
}

// A long periodic input with a few breaks, at realistic block sizes, so
// that both the meeting and the never-meeting recounts run.
func TestCountParallelLarge(t *testing.T) {
	mmap.ForceParallelSearch(t, 4096)
	r := rand.New(rand.NewSource(1))
	data := bytes.Repeat([]byte("a"), 1<<20)
	for range 50 {
		data[r.Intn(len(data))] = 'b'
	}
	m := anonMap(t, data)
	for _, sub := range []string{"aa", "aaa", "ab", "aab", "aaaaaaa", "ba"} {
		want := bytes.Count(data, []byte(sub))
		if got, err := m.Count([]byte(sub)); err != nil || got != want {
			t.Fatalf("Count(%q) = %d, %v; want %d", sub, got, err, want)
		}
	}
	for _, sub := range []string{"ab", "ba", "bb", "aab"} {
		checkSearch(t, m, data, []byte(sub))
	}
}

func TestFindParallelIsFirst(t *testing.T) {
	mmap.ForceParallelSearch(t, 64)
	data := bytes.Repeat([]byte("x"), 10000)
	m := anonMap(t, data)
	b := m.Bytes()
	for _, at := range []int{9990, 5000, 63, 64, 1, 0} {
		copy(b[at:], "needle") // crosses block boundaries at 63 and 64
		checkSearch(t, m, b, []byte("needle"))
		checkSearch(t, m, b, []byte("needle"), at+1)
		checkSearch(t, m, b, []byte("needle"), 0, at+5)
	}
}

func TestFindAll(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for iter := 0; iter < 200; iter++ {
		data := randomBytes(r, r.Intn(100), "ab")
		sub := randomBytes(r, r.Intn(4), "ab")
		m := anonMap(t, data)
		var want []int
		for i := 0; i <= len(data); {
			j := bytes.Index(data[i:], sub)
			if j < 0 {
				break
			}
			want = append(want, i+j)
			i += j + max(len(sub), 1)
		}
		var got []int
		for off, err := range m.FindAll(sub) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, off)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("FindAll(%q) in %q = %v; want %v", sub, data, got, want)
		}
		if len(sub) > 0 && len(got) != bytes.Count(data, sub) {
			t.Fatalf("FindAll(%q) found %d, bytes.Count %d", sub, len(got), bytes.Count(data, sub))
		}
		if c, _ := m.Count(sub); c != len(got) {
			t.Fatalf("Count(%q) = %d, FindAll found %d", sub, c, len(got))
		}
		n := 0
		for range m.FindAll(sub) {
			n++
			if n == 2 {
				break
			}
		}
		m.Close()
	}
}

func scanLines(data []byte) [][]byte {
	var out [][]byte
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(nil, len(data)+1)
	for s.Scan() {
		out = append(out, append([]byte(nil), s.Bytes()...))
	}
	return out
}

func TestLines(t *testing.T) {
	cases := map[string][]string{
		"":              nil,
		"\n":            {""},
		"a":             {"a"},
		"a\n":           {"a"},
		"a\nb":          {"a", "b"},
		"a\r\nb\r\n":    {"a", "b"},
		"\n\n\n":        {"", "", ""},
		"a\r\r\nb":      {"a\r", "b"},
		"x\ry\n":        {"x\ry"},
		"last\r":        {"last"},
		"\r\n":          {""},
		"one\n\ntwo\n":  {"one", "", "two"},
		"one\r\n\r\nt2": {"one", "", "t2"},
	}
	for in, want := range cases {
		m := anonMap(t, []byte(in))
		var got []string
		for line, err := range m.Lines() {
			if err != nil {
				t.Fatal(err)
			}
			if cap(line) != len(line) {
				t.Fatalf("line %q has spare capacity", line)
			}
			got = append(got, string(line))
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("Lines(%q) = %q; want %q", in, got, want)
		}
		m.Close()
	}
	r := rand.New(rand.NewSource(3))
	for iter := 0; iter < 300; iter++ {
		data := randomBytes(r, r.Intn(60), "ab\r\n\n")
		m := anonMap(t, data)
		var got [][]byte
		for line := range m.Lines() {
			got = append(got, line)
		}
		if want := scanLines(data); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Fatalf("Lines(%q) = %q; bufio.ScanLines: %q", data, got, want)
		}
		m.Close()
	}
	// Appending to a line must not write over the map.
	m := anonMap(t, []byte("ab\ncd"))
	for line := range m.Lines() {
		_ = append(line, 'X')
	}
	if string(m.Bytes()) != "ab\ncd" {
		t.Fatalf("append wrote into the map: %q", m.Bytes())
	}
}

func TestSearchClosedAndNil(t *testing.T) {
	m := anonMap(t, []byte("abc"))
	m.Close()
	if _, err := m.Count([]byte("a")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Count after Close: %v", err)
	}
	for _, err := range m.FindAll([]byte("a")) {
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("FindAll after Close: %v", err)
		}
	}
	for _, err := range m.Lines() {
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("Lines after Close: %v", err)
		}
	}
	if _, err := m.Replace([]byte("a"), []byte("b"), -1); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Replace after Close: %v", err)
	}
	var zero mmap.Map
	if _, err := zero.Count([]byte("a")); err == nil {
		t.Error("Count on a zero Map: no error")
	}
}

// A file truncated under the map: every scan returns a *FaultError, on the
// parallel paths too, and never kills the process.
func TestSearchTruncated(t *testing.T) {
	for _, par := range []bool{false, true} {
		t.Run(fmt.Sprint("parallel=", par), func(t *testing.T) {
			if par {
				mmap.ForceParallelSearch(t, 8192)
			}
			data := bytes.Repeat([]byte("line of text\n"), 20000)
			p := tempFile(t, data)
			m, err := mmap.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := os.Truncate(p, 0); err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				var fe *mmap.FaultError
				if !errors.As(err, &fe) || !errors.Is(err, mmap.ErrTruncated) {
					t.Errorf("%s on a truncated file: %v", what, err)
				}
			}
			_, err = m.Find([]byte("absent"))
			check("Find", err)
			_, err = m.RFind([]byte("absent"))
			check("RFind", err)
			_, err = m.Count([]byte("text"))
			check("Count", err)
			_, err = m.Count([]byte("t"))
			check("Count 1 byte", err)
			for off, err := range m.FindAll([]byte("text")) {
				if off != -1 {
					t.Fatalf("FindAll yielded %d", off)
				}
				check("FindAll", err)
			}
			for line, err := range m.Lines() {
				if line != nil {
					t.Fatalf("Lines yielded %q", line)
				}
				check("Lines", err)
			}
			for loc, err := range m.Matches(mustRe(`te.t`)) {
				if loc != nil {
					t.Fatalf("Matches yielded %v", loc)
				}
				check("Matches", err)
			}
			_, err = m.CountRegexp(mustRe(`te.t`))
			check("CountRegexp", err)
			_, err = m.CountLinesMatching(mustRe(`te.t`))
			check("CountLinesMatching", err)
			_, err = m.FindRegexp(mustRe(`absent`))
			check("FindRegexp", err)
		})
	}
}

// A fault in the loop body of an iterator cannot be returned through the
// loop: it panics with the *FaultError, which the caller can recover.
var srchSink byte

func TestLinesBodyFaultPanics(t *testing.T) {
	data := append([]byte("a\n"), bytes.Repeat([]byte("x"), 3*os.Getpagesize())...)
	p := tempFile(t, data)
	m, err := mmap.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, mmap.ErrTruncated) {
			t.Fatalf("recovered %v", r)
		}
	}()
	for line := range m.Lines() {
		os.Truncate(p, 0)
		srchSink += line[0] // faults: the file is gone
	}
	t.Fatal("no panic")
}

func TestFindCountInFile(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	sizes := []int{0, 1, 100, 64<<10 - 1, 64 << 10, 64<<10 + 5, 64<<10 + 1<<20 + 3, 3 << 20}
	for _, size := range sizes {
		data := randomBytes(r, size, "abcdefghijklmnopqrstuvwxyz")
		needle := []byte("NEEDLE")
		for _, at := range []int{64<<10 - 3, 64<<10 + 1<<20 - 2, size - 6, size / 2} {
			if at >= 0 && at+len(needle) <= size && r.Intn(2) == 0 {
				copy(data[at:], needle)
			}
		}
		p := tempFile(t, data)
		for _, sub := range [][]byte{needle, []byte("a"), []byte("ab"), []byte("NE"), []byte(""), []byte("zz")} {
			got, err := mmap.FindInFile(p, sub)
			if want := int64(bytes.Index(data, sub)); err != nil || got != want {
				t.Fatalf("size %d: FindInFile(%q) = %d, %v; want %d", size, sub, got, err, want)
			}
			n, err := mmap.CountInFile(p, sub)
			if want := modelCount(data, sub, nil); err != nil || n != want {
				t.Fatalf("size %d: CountInFile(%q) = %d, %v; want %d", size, sub, n, err, want)
			}
		}
	}
	// Self-overlapping needles across the read loop's windows.
	data := bytes.Repeat([]byte("a"), 64<<10+1<<20+10)
	p := tempFile(t, data)
	for _, sub := range []string{"aa", "aaa", "aaaaaaa"} {
		n, err := mmap.CountInFile(p, []byte(sub))
		if want := bytes.Count(data, []byte(sub)); err != nil || n != want {
			t.Fatalf("CountInFile(%q) = %d, %v; want %d", sub, n, err, want)
		}
	}
	// A needle longer than the room kept before a window.
	long := bytes.Repeat([]byte("q"), 5000)
	data = bytes.Repeat([]byte("z"), 64<<10+1<<20+8000)
	copy(data[64<<10-2500:], long)
	p = tempFile(t, data)
	if got, err := mmap.FindInFile(p, long); err != nil || got != 64<<10-2500 {
		t.Fatalf("FindInFile(long) = %d, %v", got, err)
	}
	if _, err := mmap.FindInFile(filepath.Join(t.TempDir(), "missing"), []byte("x")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
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
			m := anonMap(t, []byte(h))
			n := len(h)
			for _, s := range subs {
				for i := -n - 1; i < n+2; i++ {
					for jj := -n - 2; jj < n+2; jj++ {
						bounds := []int{i, jj}
						if jj == -n-2 {
							bounds = bounds[:1]
						}
						f, _ := findB(m, []byte(s), bounds...)
						r, _ := rfindB(m, []byte(s), bounds...)
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
