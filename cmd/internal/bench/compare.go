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
	Regular                     // a careful Go regular path: bytes, no text
	Mmap                        // this library
	PythonRegular               // the seed's own regular_io_* functions, timed by python3
	PythonMmap                  // the seed's own mmap_io_* functions, timed by python3
	numColumns
)

// goColumns are the columns timed in this process.
var goColumns = []Column{SeedRegular, Regular, Mmap}

func (c Column) String() string {
	return [...]string{"seed_regular", "regular", "mmap", "python_regular", "python_mmap"}[c]
}

// An Op is one column's code for one comparison. It returns a value the
// columns must agree on (bytes read, an offset, a count), so that no column
// can win by skipping the work.
type Op func(path string) (int, error)

// A Comparison is one row of the seed's table.
type Comparison struct {
	Name    string // read, find, regex, seek_find, replace
	Mutates bool   // the file must be a fresh copy before each run
	Ops     [3]Op
}

// Comparisons returns the seed's five comparisons.
func Comparisons() []Comparison {
	return []Comparison{
		{Name: "read", Ops: [3]Op{seedRead, regularRead, mmapRead}},
		{Name: "find", Ops: [3]Op{seedFind, regularFind, mmapFind}},
		{Name: "regex", Ops: [3]Op{seedRegex, regularRegex, mmapRegex}},
		{Name: "seek_find", Ops: [3]Op{seedSeekFind, regularSeekFind, mmapSeekFind}},
		{Name: "replace", Mutates: true, Ops: [3]Op{seedReplace, regularReplace, mmapReplace}},
	}
}

// --- read -------------------------------------------------------------------

// seedRead is regular_io: open in text mode and read, which decodes UTF-8
// into a str.
func seedRead(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return len(text), nil
}

// regularRead reads the file into a buffer kept from call to call, in a
// pread loop: one copy, and no fresh memory once the buffer has grown, which
// on this VM costs 12.8 µs per 4 KiB page.
func regularRead(path string) (int, error) {
	data, err := readFrom(path, 0)
	return len(data), err
}

// mmapRead is mmap_io: map the file and have its bytes. The map is
// prefaulted in one madvise (MADV_POPULATE_READ), a fraction of the cost of
// taking the faults one by one, and the bytes are used where they are,
// zero-copy: the seed's m.read() copies them into a new bytes object, which
// in Go would cost a fresh buffer per call. (Asking for huge pages and
// touching each page instead measured the same here.)
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

func seedFind(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strings.Index(string(data), needle), nil
}

func regularFind(path string) (int, error) {
	data, err := readFrom(path, 0)
	if err != nil {
		return 0, err
	}
	return bytes.Index(data, []byte(needle)), nil
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

// --- regex ------------------------------------------------------------------

// seedRegex is regular_io_re: the regex over the decoded text, with the
// standard library's engine and a string, as a straight port would do.
func seedRegex(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	re := regexp.MustCompile(FiveLetterWords)
	return len(re.FindAllStringIndex(string(data), -1)), nil
}

func regularRegex(path string) (int, error) {
	data, err := readFrom(path, 0)
	if err != nil {
		return 0, err
	}
	re := re2.MustCompile(FiveLetterWords)
	return countParallel(len(data), func(lo, hi int) (int, error) {
		return len(re.FindAllIndex(data[lo:hi], -1)), nil
	}, func(fn func(b []byte) error) error { return fn(data) })
}

// mmapRegex runs the same engine as regularRegex over the mapped bytes
// themselves, prefaulted, each worker under Guard so that a file truncated
// meanwhile is an error and not a crash.
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

// seedSeekFind is regular_io_find after seek(10000): read the rest as text
// and search it.
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
	return offsetFrom(seekOffset, strings.Index(string(data), needle)), nil
}

// regularSeekFind reads the rest of the file from the offset on: preads,
// not a seek and a read.
func regularSeekFind(path string) (int, error) {
	data, err := readFrom(path, seekOffset)
	if err != nil {
		return 0, err
	}
	return offsetFrom(seekOffset, bytes.Index(data, []byte(needle))), nil
}

func mmapSeekFind(path string) (int, error) {
	m, err := mmap.Open(path)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.FindIn([]byte(needle), seekOffset, math.MaxInt)
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

// regularReplace reads the bytes, replaces into a second kept buffer, and
// writes the result back over the file in place, then syncs it, for the
// same durability as the mmap way's Flush.
func regularReplace(path string) (int, error) {
	data, err := readFrom(path, 0)
	if err != nil {
		return 0, err
	}
	out := regularOut[:0]
	old, new := []byte(needle), []byte(replacement)
	for {
		i := bytes.Index(data, old)
		if i < 0 {
			break
		}
		out = append(append(out, data[:i]...), new...)
		data = data[i+len(old):]
	}
	out = append(out, data...)
	regularOut = out
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

// mmapReplace replaces in place through the library: the file grows, each
// stretch between occurrences moves to its place in the map, and WithSync
// flushes it (msync, then fsync), as the seed's m.flush() does. It returns
// the number of replacements, not the new size: replace runs are checked by
// the content of the file they leave instead.
func mmapReplace(path string) (int, error) {
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
