package mmap_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mmapkit/mmap"
)

// exampleFile writes a small text file for the examples and returns its path.
func exampleFile(text string) string {
	dir, err := os.MkdirTemp("", "mmap-example")
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "book.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
	return path
}

const text = "In a village of La Mancha, the name of which I have no desire to call to mind,\n" +
	"there lived not long since one of those gentlemen that keep a lance in the lance-rack.\n"

// Read the whole file through a map, as Python's m.read() does.
// Python: mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ).read()
func ExampleOpen() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	all, err := io.ReadAll(m) // one copy out of the map
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(all), m.Len())
	// Output: 166 166
}

// Slice the map without copying: Bytes is the mapped memory itself.
// Python: m[5:12]
func ExampleMap_Bytes() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	fmt.Printf("%s\n", m.Bytes()[5:12])
	b, _ := m.At(-2) // negative indexes count from the end, as in Python
	fmt.Printf("%q\n", b)
	// Output:
	// village
	// '.'
}

// Find the first and last occurrence of a word, with Python's bounds.
// Python: m.find(b" the "), m.rfind(b" the "), m.find(b"the", 0, -10)
func ExampleMap_Find() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	first, _ := m.Find([]byte(" the "))
	last, _ := m.RFind([]byte(" the "))
	none, _ := m.Find([]byte("Quixote"))
	bounded, _ := m.FindIn([]byte("lance"), 0, -10) // not in the last ten bytes
	fmt.Println(first, last, none, bounded)
	// Output: 26 149 -1 141
}

// Run a regular expression straight over the mapped bytes: nothing is
// copied. Python: re.findall(rb"\b[a-zA-Z]{5}\b", m)
func ExampleMap_Bytes_regexp() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	fiveLetters := regexp.MustCompile(`\b[a-zA-Z]{5}\b`)
	var words []string
	err = m.Guard(func(b []byte) error { // a truncated file gives an error, not a crash
		for _, w := range fiveLetters.FindAll(b, -1) {
			words = append(words, string(w))
		}
		return nil
	})
	fmt.Println(words, err)
	// Output: [which there lived since those lance lance] <nil>
}

// Seek, then read and search from the cursor on, as with a file.
// Python: m.seek(m.find(b"\n") + 1); m.readline(); m.find(b"the", m.tell())
func ExampleMap_Seek() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	nl, _ := m.Find([]byte("\n"))
	if _, err := m.Seek(int64(nl+1), io.SeekStart); err != nil {
		log.Fatal(err)
	}
	line, _ := m.ReadLine() // the second line, with its newline
	fmt.Printf("%q\n", line[len(line)-10:])
	m.Seek(10, io.SeekStart)
	i, _ := m.FindIn([]byte("the"), int(m.Pos()), math.MaxInt)
	fmt.Println(i)
	// Output:
	// "nce-rack.\n"
	// 27
}

// Read lines whose length you do not control with a cap, as
// bufio.Reader and Python's readline(size) do: a longer line comes in
// pieces, and only its last piece ends in '\n'.
// Python: f.readline(32).
func ExampleMap_ReadLineLimit() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	for {
		piece, err := m.ReadLineLimit(32)
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q\n", piece)
	}
	// Output:
	// "In a village of La Mancha, the n"
	// "ame of which I have no desire to"
	// " call to mind,\n"
	// "there lived not long since one o"
	// "f those gentlemen that keep a la"
	// "nce in the lance-rack.\n"
}

// Write through the map into the file; Flush makes it durable.
// Python: m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_WRITE); m[0:2] = b"IN"; m.flush()
func ExampleOpenFile() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	if _, err := m.WriteAt([]byte("IN"), 0); err != nil {
		log.Fatal(err)
	}
	m.Seek(5, io.SeekStart)
	m.WriteString("VILLAGE") // the cursor moves past what it wrote
	if err := m.Flush(); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Printf("%s\n", b[:12])
	// Output: IN a VILLAGE
}

// The two ways to write: ReadWrite changes the file, CopyOnWrite only the map.
// Python: ACCESS_WRITE versus ACCESS_COPY.
func ExampleMode() {
	path := exampleFile("original text")
	defer os.RemoveAll(filepath.Dir(path))

	cow, err := mmap.OpenFile(path, mmap.CopyOnWrite)
	if err != nil {
		log.Fatal(err)
	}
	copy(cow.Bytes(), "PRIVATE!")
	cow.Flush() // nothing reaches the file, even now
	fmt.Printf("map %q\n", cow.Bytes())
	cow.Close()

	b, _ := os.ReadFile(path)
	fmt.Printf("file %q\n", b)

	rw, err := mmap.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		log.Fatal(err)
	}
	copy(rw.Bytes(), "SHARED!!")
	rw.Close()
	b, _ = os.ReadFile(path)
	fmt.Printf("file %q\n", b)
	// Output:
	// map "PRIVATE! text"
	// file "original text"
	// file "SHARED!! text"
}

// Search and replace in place, when the replacement has the same length:
// no copy of the file is made and only the touched pages are written.
func ExampleMap_WriteAt_replace() {
	path := exampleFile(text)
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	old, repl := []byte("lance"), []byte("LANCE")
	n := 0
	for i, _ := m.Find(old); i >= 0; i, _ = m.FindIn(old, i+len(old), math.MaxInt) {
		m.WriteAt(repl, int64(i))
		n++
	}
	m.Flush()
	b := m.Bytes()
	fmt.Printf("%d %s", n, b[len(b)-27:])
	// Output: 2 a LANCE in the LANCE-rack.
}

// Anonymous memory belongs to no file and starts zeroed.
// Python: mmap.mmap(-1, 13)
func ExampleAnonymous() {
	m, err := mmap.Anonymous(13)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	m.WriteString("Hello, world!")
	fmt.Printf("%s\n", m.Bytes())
	// Output: Hello, world!
}

// A file truncated by another process while it is mapped gives an error,
// not a crash (SIGBUS), from every method and from Guard.
func ExampleFaultError() {
	path := exampleFile(string(make([]byte, 3*mmap.PageSize())))
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	os.Truncate(path, 0) // what another process might do

	_, err = m.ReadAt(make([]byte, 10), int64(2*mmap.PageSize()))
	var fault *mmap.FaultError
	fmt.Println(errors.As(err, &fault), errors.Is(err, mmap.ErrTruncated))
	// Output: true true
}
