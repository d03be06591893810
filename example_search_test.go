package mmap_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mmapkit/mmap"
)

func exampleSearchFile(name, text string) string {
	p := filepath.Join(os.TempDir(), name)
	os.WriteFile(p, []byte(text), 0o644)
	return p
}

// Count counts non-overlapping occurrences, on every core for large maps;
// bounds work as in Python's find.
func ExampleMap_Count() {
	p := exampleSearchFile("mmap-example-count.txt", "the cat and the hat and the bat")
	defer os.Remove(p)
	m, err := mmap.Open(p)
	if err != nil {
		panic(err)
	}
	defer m.Close()
	all, _ := m.Count([]byte("the"))
	tail, _ := m.CountIn([]byte("the"), 4, math.MaxInt) // from offset 4 on
	fmt.Println(all, tail)
	// Output: 3 2
}

// Lines yields each line without its newline and without copying.
func ExampleMap_Lines() {
	p := exampleSearchFile("mmap-example-lines.txt", "first\r\nsecond\n\nlast without newline")
	defer os.Remove(p)
	m, err := mmap.Open(p)
	if err != nil {
		panic(err)
	}
	defer m.Close()
	for line, err := range m.Lines() {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%q\n", line)
	}
	// Output:
	// "first"
	// "second"
	// ""
	// "last without newline"
}

// Matches runs a regular expression over the mapped bytes; each location
// indexes the map, so the match is a slice of it.
func ExampleMap_Matches() {
	p := exampleSearchFile("mmap-example-matches.txt", "In a village of La Mancha,\nthe name of which I have no desire to call to mind")
	defer os.Remove(p)
	m, err := mmap.Open(p)
	if err != nil {
		panic(err)
	}
	defer m.Close()
	re := regexp.MustCompile(`\b[a-zA-Z]{6}\b`)
	for loc, err := range m.Matches(re) {
		if err != nil {
			panic(err)
		}
		fmt.Println(loc[0], string(m.Bytes()[loc[0]:loc[1]]))
	}
	n, _ := m.CountRegexp(re)
	fmt.Println(n, "six-letter words")
	// Output:
	// 19 Mancha
	// 55 desire
	// 2 six-letter words
}

// ReplaceFile replaces in place, with a replacement of any length;
// WithSafeReplace makes it all-or-nothing.
func ExampleReplaceFile() {
	p := exampleSearchFile("mmap-example-replace.txt", "one two one two")
	defer os.Remove(p)
	n, err := mmap.ReplaceFile(p, []byte("two"), []byte("three"), -1)
	if err != nil {
		panic(err)
	}
	b, _ := os.ReadFile(p)
	fmt.Println(n, string(b))
	n, _ = mmap.ReplaceFile(p, []byte("one"), []byte("1"), 1, mmap.WithSafeReplace())
	b, _ = os.ReadFile(p)
	fmt.Println(n, string(b))
	n, _ = mmap.ReplaceFile(p, []byte("three"), []byte("3"), -1, mmap.WithDryRun())
	b, _ = os.ReadFile(p)
	fmt.Println(n, string(b))
	// Output:
	// 2 one three one three
	// 1 1 three one three
	// 2 1 three one three
}

// FindInFile and FindInFileAt search a file once without keeping a map:
// they read small files and the first 64 KiB of large ones, and map a
// large file only when the needle is further on. FindInFileAt is Python's
// m.find(sub, start) on a file.
func ExampleFindInFileAt() {
	p := exampleSearchFile("mmap-example-findat.txt", "ERROR one\nok\nERROR two\n")
	defer os.Remove(p)
	first, _ := mmap.FindInFile(p, []byte("ERROR"))
	next, _ := mmap.FindInFileAt(p, []byte("ERROR"), first+1)
	none, _ := mmap.FindInFileAt(p, []byte("ERROR"), next+1)
	fmt.Println(first, next, none)
	// Output: 0 13 -1
}
