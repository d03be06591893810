package mmap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mmapkit/mmap"
)

// The Map is a correct io.Reader by the standard library's own checker.
func TestReaderContract(t *testing.T) {
	content := strings.Repeat("mapped bytes\n", 500)
	m := anonWith(t, content)
	if err := iotest.TestReader(m, []byte(content)); err != nil {
		t.Fatal(err)
	}
}

// CPython checklist X4: readline returns each line with its newline, the
// last line without one, then nothing.
func TestReadLine(t *testing.T) {
	m := anonWith(t, "one two ones\nline2\n\nlast")
	for _, want := range []string{"one two ones\n", "line2\n", "\n", "last"} {
		line, err := m.ReadLine()
		if string(line) != want || err != nil {
			t.Fatalf("ReadLine = %q, %v, want %q", line, err, want)
		}
	}
	for range 2 {
		if line, err := m.ReadLine(); line != nil || err != io.EOF {
			t.Fatalf("ReadLine at the end = %q, %v", line, err)
		}
	}
	if _, err := m.ReadByte(); err != io.EOF {
		t.Fatalf("ReadByte at the end: %v", err)
	}
}

// CPython checklist M46-M50, M55.
func TestCursorWrites(t *testing.T) {
	m := anonWith(t, "0123456789")
	if _, err := m.Seek(3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Write([]byte("bar")); n != 3 || err != nil || m.Pos() != 6 {
		t.Fatalf("Write = %d, %v at %d", n, err, m.Pos())
	}
	if n, err := m.WriteString("baz"); n != 3 || err != nil || m.Pos() != 9 {
		t.Fatalf("WriteString = %d, %v at %d", n, err, m.Pos())
	}
	if n, err := m.Write([]byte("ba")); n != 0 || !errors.Is(err, mmap.ErrRange) || m.Pos() != 9 {
		t.Fatalf("Write past the end = %d, %v at %d", n, err, m.Pos())
	}
	if n, err := m.Write(nil); n != 0 || err != nil {
		t.Fatalf("Write(nil) = %d, %v", n, err)
	}
	if got := string(m.Bytes()); got != "012barbaz9" {
		t.Fatalf("map %q", got)
	}
	if err := m.WriteByte(200); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteByte('x'); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("WriteByte at the end: %v", err)
	}
	m.Seek(-1, io.SeekEnd)
	if b, err := m.ReadByte(); b != 200 || err != nil {
		t.Fatalf("ReadByte = %d, %v", b, err)
	}
}

// CPython checklist M7, M8, X6: seek validation; a failed seek leaves the
// cursor alone.
func TestSeek(t *testing.T) {
	m := anonWith(t, "0123456789")
	for _, c := range []struct {
		off    int64
		whence int
		want   int64
	}{{0, io.SeekStart, 0}, {42 % 10, io.SeekCurrent, 2}, {0, io.SeekEnd, 10}, {-3, io.SeekEnd, 7}, {-7, io.SeekCurrent, 0}, {10, io.SeekStart, 10}} {
		got, err := m.Seek(c.off, c.whence)
		if got != c.want || err != nil || m.Pos() != c.want {
			t.Fatalf("Seek(%d, %d) = %d, %v, want %d", c.off, c.whence, got, err, c.want)
		}
	}
	m.Seek(4, io.SeekStart)
	for _, c := range []struct {
		off    int64
		whence int
		want   error
	}{{-1, io.SeekStart, mmap.ErrRange}, {1, io.SeekEnd, mmap.ErrRange}, {-11, io.SeekEnd, mmap.ErrRange}, {11, io.SeekStart, mmap.ErrRange},
		{1 << 62, io.SeekCurrent, mmap.ErrRange}, {1<<63 - 1, io.SeekCurrent, mmap.ErrRange}, {-1 << 63, io.SeekCurrent, mmap.ErrRange}, {0, 3, fs.ErrInvalid}} {
		if _, err := m.Seek(c.off, c.whence); !errors.Is(err, c.want) || m.Pos() != 4 {
			t.Errorf("Seek(%d, %d): %v at %d, want %v at 4", c.off, c.whence, err, m.Pos(), c.want)
		}
	}
}

func TestRunesAndUnread(t *testing.T) {
	m := anonWith(t, "añ€\xff")
	var got []rune
	for {
		r, size, err := m.ReadRune()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
		if err := m.UnreadRune(); err != nil {
			t.Fatal(err)
		}
		if err := m.UnreadRune(); !errors.Is(err, fs.ErrInvalid) {
			t.Fatalf("second UnreadRune: %v", err)
		}
		m.Seek(int64(size), io.SeekCurrent)
	}
	if string(got) != "añ€\uFFFD" {
		t.Fatalf("runes %q", string(got))
	}
	m.Seek(0, io.SeekStart)
	if err := m.UnreadByte(); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("UnreadByte at start: %v", err)
	}
	m.ReadByte()
	if err := m.UnreadByte(); err != nil || m.Pos() != 0 {
		t.Fatalf("UnreadByte: %v at %d", err, m.Pos())
	}
}

// CPython checklist M56 and X7: after a shrink the cursor may lie past the
// end; reads return nothing and writes fail.
func TestCursorPastEndAfterShrink(t *testing.T) {
	m, err := mmap.Anonymous(8192)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Read(make([]byte, 5000))
	if err := m.Resize(4096); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Read(make([]byte, 14)); n != 0 || err != io.EOF {
		t.Fatalf("Read = %d, %v", n, err)
	}
	if _, err := m.ReadByte(); err != io.EOF {
		t.Fatalf("ReadByte: %v", err)
	}
	if err := m.WriteByte(42); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("WriteByte: %v", err)
	}
	if _, err := m.Write([]byte("abc")); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("Write: %v", err)
	}
	if m.Pos() != 5000 {
		t.Fatalf("Pos %d", m.Pos())
	}
}

func TestWriteTo(t *testing.T) {
	content := strings.Repeat("x", 3<<20) + "tail"
	m := anonWith(t, content)
	m.Seek(5, io.SeekStart)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, m)
	if err != nil || n != int64(len(content)-5) || buf.String() != content[5:] {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	if m.Pos() != int64(len(content)) {
		t.Fatalf("Pos %d after WriteTo", m.Pos())
	}
	m.Seek(0, io.SeekStart)
	n, err = m.WriteTo(iotest.TruncateWriter(io.Discard, 10))
	if err != nil || n != int64(len(content)) {
		t.Fatalf("WriteTo a writer that drops bytes = %d, %v", n, err)
	}
}

// CPython checklist M22, M25, X1, X2: find and rfind with bounds.
func TestFindPython(t *testing.T) {
	m := anonWith(t, "one two ones")
	for _, c := range []struct {
		sub    string
		bounds []int
		find   int
		rfind  int
	}{
		{"one", nil, 0, 8},
		{"ones", nil, 8, 8},
		{"one ", nil, 0, 0},
		{"one", []int{0, -1}, 0, 8},
		{"one", []int{1}, 8, 8},
		{"one", []int{1, -1}, 8, 8},
		{"one", []int{1, -2}, -1, -1},
		{"one", []int{0, -2}, 0, 0},
		{"", []int{13, 12}, -1, -1}, // issue 9 item 1: Python's bytes.find
		{"", []int{12, 12}, 12, 12},
		{"", []int{12}, 12, 12},
		{"", []int{5, 3}, -1, -1},
		{"", nil, 0, 12},
		{"", []int{-100, 100}, 0, 12},
		{"zzz", nil, -1, -1},
	} {
		if got, err := findB(m, []byte(c.sub), c.bounds...); got != c.find || err != nil {
			t.Errorf("Find(%q, %v) = %d, %v, want %d", c.sub, c.bounds, got, err, c.find)
		}
		if got, err := rfindB(m, []byte(c.sub), c.bounds...); got != c.rfind || err != nil {
			t.Errorf("RFind(%q, %v) = %d, %v, want %d", c.sub, c.bounds, got, err, c.rfind)
		}
	}
	// Find never moves the cursor, and does not start at it.
	m.Seek(5, io.SeekStart)
	if got, _ := m.Find([]byte("one")); got != 0 || m.Pos() != 5 {
		t.Errorf("Find after Seek = %d, Pos %d", got, m.Pos())
	}
}

// CPython checklist M21 and M23, against the bytes package as the model of
// Python's bytes.find: every substring, every bound pair.
func TestFindMatchesModel(t *testing.T) {
	for _, data := range []string{"aabaac\x00deef\x00\x00aa\x00", "one two ones"} {
		m := anonWith(t, data)
		n := len(data)
		var subs []string
		for s := 0; s <= n; s++ {
			for f := s; f <= n; f++ {
				subs = append(subs, data[s:f])
			}
		}
		for _, sub := range subs {
			if got, _ := m.Find([]byte(sub)); got != strings.Index(data, sub) {
				t.Fatalf("Find(%q) = %d", sub, got)
			}
			if got, _ := m.Find([]byte(sub + "x")); got != strings.Index(data, sub+"x") {
				t.Fatalf("Find(%q) = %d", sub+"x", got)
			}
		}
		for _, sub := range []string{"o", "on", "two", "ones", "s", "aa", "\x00", ""} {
			for i := -n - 1; i <= n+1; i++ {
				for j := -n - 1; j <= n+1; j++ {
					if got, _ := m.FindIn([]byte(sub), i, j); got != pythonFind(data, sub, i, j, false) {
						t.Fatalf("Find(%q, %d, %d) = %d, want %d", sub, i, j, got, pythonFind(data, sub, i, j, false))
					}
					if got, _ := m.RFindIn([]byte(sub), i, j); got != pythonFind(data, sub, i, j, true) {
						t.Fatalf("RFind(%q, %d, %d) = %d, want %d", sub, i, j, got, pythonFind(data, sub, i, j, true))
					}
				}
			}
		}
	}
}

// pythonFind is CPython's mmap find/rfind, written from its specification:
// clamp the bounds Python-style, then search the slice.
func pythonFind(data, sub string, start, end int, last bool) int {
	n := len(data)
	// CPython's ADJUST_INDICES: end is lowered to n, start is not.
	clamp := func(i int) int {
		if i < 0 {
			i = max(i+n, 0)
		}
		return i
	}
	start, end = clamp(start), min(clamp(end), n)
	if end-start < len(sub) {
		return -1
	}
	var i int
	if last {
		i = strings.LastIndex(data[start:end], sub)
	} else {
		i = strings.Index(data[start:end], sub)
	}
	if i < 0 {
		return -1
	}
	return i + start
}

// Issue 9 item 8: ReadLineLimit bounds what a line costs, as Python's
// readline(size) and bufio.Reader do; a map without a newline gives pieces
// of the limit, not a copy of all of itself.
func TestReadLineLimit(t *testing.T) {
	m := anonWith(t, "abc\ndefgh")
	var got []string
	for {
		l, err := m.ReadLineLimit(2)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(l))
	}
	if want := []string{"ab", "c\n", "de", "fg", "h"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ReadLineLimit(2) pieces %q, want %q", got, want)
	}
	big, err := mmap.Anonymous(64 << 20) // zeros: no newline at all
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	l, err := big.ReadLineLimit(4096)
	if err != nil || len(l) != 4096 || cap(l) != 4096 || big.Pos() != 4096 {
		t.Fatalf("ReadLineLimit(4096) of a map without newlines: %d bytes (cap %d), %v, Pos %d", len(l), cap(l), err, big.Pos())
	}
}
