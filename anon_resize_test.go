package mmap_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

// TestShrinkThenGrowGivesZeros: bytes cut off by a Resize never come back
// when the map grows again, for anonymous and file-backed maps alike, at
// every placement of the two lengths against page boundaries: the grown
// part reads as zeros, as new memory does.
func TestShrinkThenGrowGivesZeros(t *testing.T) {
	ps := mmap.PageSize()
	cases := [][2]int{ // {full length, shrunk length}
		{100, 10},
		{100, 0},
		{2 * ps, ps},
		{2 * ps, ps - 1},
		{2 * ps, ps + 1},
		{3*ps + 7, 1},
		{3*ps + 7, 2*ps + 3},
		{ps, ps - 1},
	}
	makers := map[string]func(t *testing.T, n int) *mmap.Map{
		"Anonymous": func(t *testing.T, n int) *mmap.Map {
			m, err := mmap.Anonymous(n)
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
		"file": func(t *testing.T, n int) *mmap.Map {
			path := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := mmap.OpenFile(path, mmap.ReadWrite, mmap.WithLength(int64(n)), mmap.WithGrow())
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
	}
	for name, mk := range makers {
		for _, c := range cases {
			full, short := c[0], c[1]
			m := mk(t, full)
			fill := bytes.Repeat([]byte("SECRET"), full/6+1)[:full]
			if _, err := m.WriteAt(fill, 0); err != nil {
				t.Fatal(err)
			}
			if err := m.Resize(short); err != nil {
				t.Fatal(err)
			}
			if err := m.Resize(full); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, full)
			if _, err := m.ReadAt(got, 0); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[:short], fill[:short]) {
				t.Errorf("%s %d -> %d -> %d: the kept bytes changed", name, full, short, full)
			}
			if i := bytes.IndexFunc(got[short:], func(r rune) bool { return r != 0 }); i >= 0 {
				t.Errorf("%s %d -> %d -> %d: byte %d is %q, want zeros past %d", name, full, short, full, short+i, got[short+i], short)
			}
			m.Close()
		}
	}
}
