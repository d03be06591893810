package mmap_test

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

func TestMapReplace(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for iter := 0; iter < 300; iter++ {
		data := randomBytes(r, r.Intn(3000), "ab")
		old := randomBytes(r, 1+r.Intn(4), "ab")
		new := randomBytes(r, len(old), "abc")
		n := r.Intn(12) - 2
		m := anonMap(t, data)
		want := bytes.Replace(data, old, new, n)
		c, err := m.Replace(old, new, n)
		if err != nil || !bytes.Equal(m.Bytes(), want) {
			t.Fatalf("Replace(%q, %q, %d): %v; content differs", old, new, n, err)
		}
		wantN := modelCount(data, old, nil)
		if n >= 0 {
			wantN = min(wantN, n)
		}
		if c != wantN {
			t.Fatalf("Replace(%q, %q, %d) = %d; want %d", old, new, n, c, wantN)
		}
		m.Close()
	}
	m := anonMap(t, []byte("abc"))
	if _, err := m.Replace([]byte("a"), []byte("xy"), -1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("another length: %v", err)
	}
	if _, err := m.Replace(nil, nil, -1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("empty old: %v", err)
	}
	ro, err := mmap.Open(tempFile(t, []byte("abc")))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Replace([]byte("a"), []byte("x"), -1); !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("ReadOnly map: %v", err)
	}
}

// A dense same-length replacement in a file map, large enough to use
// MADV_POPULATE_WRITE, reaches the file.
func TestMapReplaceFileDense(t *testing.T) {
	data := englishText(3 << 20)
	p := tempFile(t, data)
	m, err := mmap.OpenFile(p, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	n, err := m.Replace([]byte(" the "), []byte(" THE "), -1)
	m.Close()
	got, _ := os.ReadFile(p)
	if want := bytes.ReplaceAll(data, []byte(" the "), []byte(" THE ")); err != nil || !bytes.Equal(got, want) || n != bytes.Count(data, []byte(" the ")) {
		t.Fatalf("Replace: %d, %v; file differs: %v", n, err, !bytes.Equal(got, want))
	}
}

func TestReplaceFile(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for iter := 0; iter < 300; iter++ {
		data := randomBytes(r, r.Intn(2000), "abc")
		if iter%50 == 0 {
			data = nil
		}
		old := randomBytes(r, 1+r.Intn(3), "abc")
		new := randomBytes(r, r.Intn(6), "xyab")
		n := r.Intn(10) - 2
		var opts []mmap.ReplaceOption
		mode := iter % 4
		switch mode {
		case 1:
			opts = append(opts, mmap.WithSafeReplace())
		case 2:
			opts = append(opts, mmap.WithDryRun())
		case 3:
			opts = append(opts, mmap.WithSync())
		}
		p := tempFile(t, data)
		c, err := mmap.ReplaceFile(p, old, new, n, opts...)
		if err != nil {
			t.Fatalf("ReplaceFile(%q, %q, %d, mode %d): %v", old, new, n, mode, err)
		}
		got, _ := os.ReadFile(p)
		want := bytes.Replace(data, old, new, n)
		if mode == 2 {
			want = data
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("ReplaceFile(%q, %q, %d, mode %d) in %q: got %q want %q", old, new, n, mode, data, got, want)
		}
		wantN := modelCount(data, old, nil)
		if n >= 0 {
			wantN = min(wantN, n)
		}
		if c != wantN {
			t.Fatalf("ReplaceFile(%q, %q, %d, mode %d) = %d; want %d", old, new, n, mode, c, wantN)
		}
		if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
			t.Fatalf("files left behind: %v", ents)
		}
	}
	if _, err := mmap.ReplaceFile(tempFile(t, []byte("abc")), nil, []byte("x"), -1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("empty old: %v", err)
	}
	if _, err := mmap.ReplaceFile(filepath.Join(t.TempDir(), "missing"), []byte("a"), []byte("b"), -1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// Large files with dense matches, growing and shrinking, through the
// windows of the same-length path and the moves of the other.
func TestReplaceFileLarge(t *testing.T) {
	data := englishText(3 << 20)
	for _, tc := range []struct{ old, new string }{{" the ", " THE "}, {" the ", " thee "}, {" the ", " t "}, {"e", ""}} {
		for _, safe := range []bool{false, true} {
			p := tempFile(t, data)
			var opts []mmap.ReplaceOption
			if safe {
				opts = append(opts, mmap.WithSafeReplace())
			}
			n, err := mmap.ReplaceFile(p, []byte(tc.old), []byte(tc.new), -1, opts...)
			got, _ := os.ReadFile(p)
			want := bytes.ReplaceAll(data, []byte(tc.old), []byte(tc.new))
			if err != nil || n != bytes.Count(data, []byte(tc.old)) || !bytes.Equal(got, want) {
				t.Fatalf("%q -> %q (safe %v): %d, %v, equal %v", tc.old, tc.new, safe, n, err, bytes.Equal(got, want))
			}
		}
	}
}

// The occurrences a replacement writes (or, for another length, moves) are
// found on every core in large maps; forced onto tiny blocks, with matches that overlap
// each other and block edges ("aaaa" and "aa"), the result must still be
// exactly bytes.Replace's.
func TestReplaceFileParallelPositions(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for _, block := range []int{1, 2, 3, 5, 16} {
		mmap.ForceParallelSearch(t, block)
		for iter := 0; iter < 60; iter++ {
			data := randomBytes(r, r.Intn(400), "ab")
			if iter%5 == 0 {
				data = bytes.Repeat([]byte("a"), r.Intn(100))
			}
			old := randomBytes(r, 1+r.Intn(3), "ab")
			new := randomBytes(r, r.Intn(5), "xy")
			if iter%2 == 0 { // same length: Map.Replace's own parallel path
				new = randomBytes(r, len(old), "xy")
			} else if len(new) == len(old) {
				new = append(new, 'z')
			}
			p := tempFile(t, data)
			n, err := mmap.ReplaceFile(p, old, new, -1)
			got, _ := os.ReadFile(p)
			want := bytes.ReplaceAll(data, old, new)
			if err != nil || n != bytes.Count(data, old) || !bytes.Equal(got, want) {
				t.Fatalf("block %d: %q in %q -> %q: %d, %v, got %q want %q", block, old, data, new, n, err, got, want)
			}
		}
	}
}
