package bench

import (
	"bytes"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	re2 "github.com/wasilibs/go-re2"

	"github.com/mmapkit/mmap"
)

// The seed's constants.
const (
	needle      = " the "
	replacement = " python "
	seekOffset  = 10000
	// FiveLetterWords is the seed's regex: five-letter ASCII words.
	FiveLetterWords = `\b[a-zA-Z]{5}\b`
)

// A Column is one way of doing each comparison.
type Column int

// The columns of the table, in order.
const (
	SeedRegular   Column = iota // Go doing what the seed's regular functions do, text included
	Regular                     // a careful Go regular path: bytes, reused buffers, chunked reads that stop at the first hit
	Mmap                        // the seed's mmap way, through this library
	Best                        // the library's recommended call for the job
	PythonRegular               // the seed's own regular_io_* functions, timed by python3
	PythonMmap                  // the seed's own mmap_io_* functions, timed by python3
	numColumns
)

// goColumns are the columns timed in this process.
var goColumns = []Column{SeedRegular, Regular, Mmap, Best}

// pyColumns are the columns timed by python3, and the seed.py function
// family each runs.
var pyColumns = []Column{PythonRegular, PythonMmap}

func (c Column) String() string {
	return [...]string{"seed_regular", "regular", "mmap", "best", "python_regular", "python_mmap"}[c]
}

// An Op is one column's code for one comparison. It returns a value the
// columns must agree on (bytes read, an offset, a count), so that no column
// can win by skipping the work. The text columns (seed_regular and
// python_regular) count in characters, as Python's str does; the others in
// bytes.
type Op func(path string) (int, error)

// A Comparison is one row of the seed's table.
type Comparison struct {
	Name    string           // read, find, regex, seek_find, replace
	Mutates bool             // the file must be restored before each call
	Ops     [numGoColumns]Op // Ops[Best] nil: best is the mmap column's call, timed once
	// BestCall names the library call the best column makes.
	BestCall string
}

const numGoColumns = 4

// Comparisons returns the seed's five comparisons.
func Comparisons() []Comparison {
	return []Comparison{
		{Name: "read", Ops: [numGoColumns]Op{seedRead, regularRead, mmapRead, nil},
			BestCall: "Open(path, WithPopulate()) + Bytes(), the mmap column's call"},
		{Name: "find", Ops: [numGoColumns]Op{seedFind, regularFind, mmapFind, bestFind},
			BestCall: "FindInFile(path, sub)"},
		{Name: "regex", Ops: [numGoColumns]Op{seedRegex, regularRegex, mmapRegex, bestRegex},
			BestCall: "Open(path) + CountRegexp(go-re2, compiled once)"},
		{Name: "seek_find", Ops: [numGoColumns]Op{seedSeekFind, regularSeekFind, mmapSeekFind, bestSeekFind},
			BestCall: "FindInFileAt(path, sub, 10000)"},
		{Name: "replace", Mutates: true, Ops: [numGoColumns]Op{seedReplace, regularReplace, mmapReplace, bestReplace},
			BestCall: "ReplaceFile(path, old, new, -1, WithSync())"},
	}
}

// --- read -------------------------------------------------------------------

// seedRead is regular_io: open in text mode and read, which decodes UTF-8
// into a str; it returns the length in characters, as Python's len(text).
func seedRead(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return utf8.RuneCountInString(text), nil
}

// regularRead reads the file into a buffer kept from call to call, in a
// pread loop: one copy, and no fresh memory once the buffer has grown.
func regularRead(path string) (int, error) {
	data, err := readFrom(path, 0)
	return len(data), err
}

// mmapRead is mmap_io through the library: map the file and have its bytes.
// The map is prefaulted in one madvise (MADV_POPULATE_READ) and the bytes
// are used where they are, zero-copy: the seed's m.read() copies them into
// a new bytes object, which in Go would cost a fresh buffer per call.
func mmapRead(path string) (int, error) {
	m, err := mmap.Open(path, mmap.WithPopulate())
	if err != nil {
		return 0, err
	}
	defer m.Close()
	if m.Len() > 0 {
		if _, err := m.At(-1); err != nil {
			return 0, err
		}
	}
	return m.Len(), nil
}

// regularBuf is the regular path's read buffer, and regularOut its buffer
// for the replaced text: both are kept from call to call, as a careful
// program keeps its buffers. The comparisons run one at a time.
var regularBuf, regularOut []byte

// readFrom reads the file at path from offset off to its end into
// regularBuf, with as many preads as it takes.
func readFrom(path string, off int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	n := max(0, fi.Size()-off)
	if int64(cap(regularBuf)) < n {
		regularBuf = make([]byte, n)
	}
	buf := regularBuf[:n]
	k, err := f.ReadAt(buf, off)
	if err == io.EOF {
		err = nil // the file shrank since Stat
	}
	return buf[:k], err
}

// --- find -------------------------------------------------------------------

// seedFind is regular_io_find: the whole file as text, then str.find, whose
// result is an index in characters.
func seedFind(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := string(data)
	return runeIndex(text, strings.Index(text, needle)), nil
}

// runeIndex turns byte index i of text into an index in characters, as
// Python's str methods count; -1 stays -1.
func runeIndex(text string, i int) int {
	if i < 0 {
		return -1
	}
	return utf8.RuneCountInString(text[:i])
}

// regularFind is what a careful program writes: read in chunks into a
// reused buffer and stop at the first hit.
func regularFind(path string) (int, error) {
	return chunkedFind(path, []byte(needle), 0)
}

// Chunks of the careful read loop: a small first read, so that an early hit
// costs little, then larger ones.
const (
	firstChunk = 64 << 10
	nextChunk  = 1 << 20
)

// chunkedFind returns the offset of the first sub at or after start in the
// file at path, reading it in chunks into regularBuf; each chunk keeps the
// last len(sub)-1 bytes of the one before, so no occurrence is missed.
func chunkedFind(path string, sub []byte, start int64) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	keep := len(sub) - 1
	if cap(regularBuf) < keep+nextChunk {
		regularBuf = make([]byte, keep+nextChunk)
	}
	buf := regularBuf[:cap(regularBuf)]
	have := 0 // bytes kept from the previous chunk, at buf[:have]
	off := start
	for chunk := firstChunk; ; chunk = nextChunk {
		n, err := f.ReadAt(buf[have:have+chunk], off)
		w := buf[:have+n]
		if i := bytes.Index(w, sub); i >= 0 {
			return int(off) - have + i, nil
		}
		if err == io.EOF || n == 0 {
			return -1, nil
		}
		if err != nil {
			return 0, err
		}
		k := min(keep, len(w))
		copy(buf, w[len(w)-k:])
		have = k
		off += int64(n)
	}
}

// mmapFind maps without prefaulting: the first hit is near the start, so
// only one fault is taken.
func mmapFind(path string) (int, error) {
	m, err := mmap.Open(path)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.Find([]byte(needle))
}

// bestFind is the library's one-shot search, which reads a small file and
// maps a large one.
func bestFind(path string) (int, error) {
	i, err := mmap.FindInFile(path, []byte(needle))
	return int(i), err
}

// --- regex ------------------------------------------------------------------

// seedRegex is regular_io_re: the regex over the decoded text, with the
// standard library's engine and a string, as a straight port would do. On
// a str, Python's \b sees every Unicode letter and digit as a word
// character, where Go's sees only ASCII ones: a match next to a non-ASCII
// letter (the "senor" in "se\u00f1or") is dropped, so that the count is
// Python's.
func seedRegex(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := string(data)
	re := regexp.MustCompile(FiveLetterWords)
	n := 0
	for _, m := range re.FindAllStringIndex(text, -1) {
		before, _ := utf8.DecodeLastRuneInString(text[:m[0]])
		after, _ := utf8.DecodeRuneInString(text[m[1]:])
		if !unicodeWord(before) && !unicodeWord(after) {
			n++
		}
	}
	return n, nil
}

// unicodeWord reports whether Python's re counts r as a word character in
// a str pattern (str.isalnum() or "_"); utf8.RuneError, at either end of
// the text, is not one.
func unicodeWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// fiveLetters is the seed's regex compiled once with go-re2, the fastest
// engine measured for it (Python's re caches compiled patterns too). A
// go-re2 Regexp is safe for concurrent use.
var fiveLetters = sync.OnceValue(func() *re2.Regexp { return re2.MustCompile(FiveLetterWords) })

func regularRegex(path string) (int, error) {
	data, err := readFrom(path, 0)
	if err != nil {
		return 0, err
	}
	re := fiveLetters()
	return countParallel(len(data), func(lo, hi int) (int, error) {
		return len(re.FindAllIndex(data[lo:hi], -1)), nil
	}, func(fn func(b []byte) error) error { return fn(data) })
}

// mmapRegex is mmap_io_re through the library: compile, map, and run the
// engine over the mapped bytes themselves, prefaulted, each worker under
// Guard so that a file truncated meanwhile is an error and not a crash.
func mmapRegex(path string) (int, error) {
	m, err := mmap.Open(path, mmap.WithPopulate())
	if err != nil {
		return 0, err
	}
	defer m.Close()
	re := re2.MustCompile(FiveLetterWords)
	return countParallel(m.Len(), func(lo, hi int) (n int, err error) {
		err = m.Guard(func(b []byte) error {
			n = len(re.FindAllIndex(b[lo:hi], -1))
			return nil
		})
		return n, err
	}, m.Guard)
}

// bestRegex is the library's own count over a map, with go-re2.
func bestRegex(path string) (int, error) {
	m, err := mmap.Open(path)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.CountRegexp(fiveLetters())
}

// countParallel splits n bytes into one chunk per CPU, each ending just after
// a newline, and sums count over the chunks in parallel. That is exact for
// the seed's regex: a five-letter word never spans a newline, and \b sees the
// edge of a chunk as it sees the newline there (neither is a word byte).
// guard gives access to the bytes to find the newlines.
func countParallel(n int, count func(lo, hi int) (int, error), guard func(func([]byte) error) error) (int, error) {
	const minChunk = 256 << 10
	workers := min(runtime.GOMAXPROCS(0), max(1, n/minChunk))
	cuts := []int{0}
	if workers > 1 {
		err := guard(func(b []byte) error {
			for w := 1; w < workers; w++ {
				at := max(cuts[len(cuts)-1], w*n/workers)
				if i := bytes.IndexByte(b[at:], '\n'); i >= 0 {
					cuts = append(cuts, at+i+1)
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	cuts = append(cuts, n)
	if len(cuts) == 2 {
		return count(0, n)
	}
	counts := make([]int, len(cuts)-1)
	errs := make([]error, len(cuts)-1)
	var wg sync.WaitGroup
	for i := range counts {
		wg.Go(func() { counts[i], errs[i] = count(cuts[i], cuts[i+1]) })
	}
	wg.Wait()
	total := 0
	for i, c := range counts {
		if errs[i] != nil {
			return 0, errs[i]
		}
		total += c
	}
	return total, nil
}

// --- seek + find ------------------------------------------------------------

// seedSeekFind is regular_io_seek_find: seek(10000), read the rest as text
// and search it; the result counts characters after the offset.
func seedSeekFind(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.Seek(seekOffset, io.SeekStart); err != nil {
		return 0, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return 0, err
	}
	text := string(data)
	return offsetFrom(seekOffset, runeIndex(text, strings.Index(text, needle))), nil
}

// regularSeekFind reads from the offset on in chunks and stops at the
// first hit.
func regularSeekFind(path string) (int, error) {
	return chunkedFind(path, []byte(needle), seekOffset)
}

func mmapSeekFind(path string) (int, error) {
	m, err := mmap.Open(path)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.FindIn([]byte(needle), seekOffset, math.MaxInt)
}

// bestSeekFind is the library's one-shot find from an offset, which reads
// the 64 KiB at the offset before it would map the file.
func bestSeekFind(path string) (int, error) {
	i, err := mmap.FindInFileAt(path, []byte(needle), seekOffset)
	return int(i), err
}

func offsetFrom(base, i int) int {
	if i < 0 {
		return -1
	}
	return base + i
}

// --- replace ----------------------------------------------------------------

// seedReplace is regular_io_find_and_replace: read the text, replace, write
// a temporary file, copy it back over the original and remove it.
func seedReplace(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := strings.ReplaceAll(string(data), needle, replacement)
	tmp, err := os.CreateTemp("", "seed-replace-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return len(text), copyFile(path, tmp.Name())
}

// replaceInto appends data with every old replaced by new to out.
func replaceInto(out, data, old, new []byte) []byte {
	for {
		i := bytes.Index(data, old)
		if i < 0 {
			return append(out, data...)
		}
		out = append(append(out, data[:i]...), new...)
		data = data[i+len(old):]
	}
}

// regularReplace reads the bytes, replaces into a second kept buffer, and
// writes the result back over the file in place, then syncs it, for the
// same durability as the mmap way's Flush.
func regularReplace(path string) (int, error) {
	data, err := readFrom(path, 0)
	if err != nil {
		return 0, err
	}
	regularOut = replaceInto(regularOut[:0], data, []byte(needle), []byte(replacement))
	out := regularOut
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := f.WriteAt(out, 0); err != nil {
		return 0, err
	}
	if err := f.Truncate(int64(len(out))); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	return len(out), f.Close()
}

// mmapReplace is mmap_io_find_and_replace through the library: map the file
// read-write, read its bytes (into a kept buffer), replace, resize the map
// to the new length, write the new bytes through the map and flush it
// (msync), as the seed's m.flush() does.
func mmapReplace(path string) (int, error) {
	m, err := mmap.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	if cap(regularBuf) < m.Len() {
		regularBuf = make([]byte, m.Len())
	}
	data := regularBuf[:m.Len()]
	if _, err := m.ReadAt(data, 0); err != nil {
		return 0, err
	}
	regularOut = replaceInto(regularOut[:0], data, []byte(needle), []byte(replacement))
	out := regularOut
	if err := m.Resize(len(out)); err != nil {
		return 0, err
	}
	if _, err := m.WriteAt(out, 0); err != nil {
		return 0, err
	}
	if err := m.Flush(); err != nil {
		return 0, err
	}
	return len(out), m.Close()
}

// bestReplace is the library's in-place replace: the file grows, each
// stretch between occurrences moves to its place, and WithSync makes it
// durable (msync, then fsync).
func bestReplace(path string) (int, error) {
	return mmap.ReplaceFile(path, []byte(needle), []byte(replacement), -1, mmap.WithSync())
}

// copyFile copies src over dst and syncs dst, so that the copy's own
// writeback is not left for a timed Flush or fsync to pay.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
