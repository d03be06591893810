package mmap_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmapkit/mmap"
)

// FuzzMapFileOptions maps files of fuzzed sizes with fuzzed modes,
// offsets, lengths and WithGrow: MapFile must never panic, and either
// return an error matching one of the package's documented sentinels or a
// Map whose bytes are exactly that slice of the file.
func FuzzMapFileOptions(f *testing.F) {
	page := int64(mmap.PageSize())
	for _, seed := range []struct {
		size        uint32
		mode        int8
		off, length int64
		setLen      bool
		grow        bool
	}{
		{0, 0, 0, 0, false, false},
		{0, 1, 0, 10, true, true},
		{100, 0, 0, 0, false, false},
		{100, 0, 50, 0, false, false},
		{100, 0, 100, 0, false, false},
		{100, 0, 101, 0, false, false},
		{100, 1, 50, 100, true, true},
		{100, 2, 50, 100, true, true},
		{uint32(3*page + 5), 0, page + 1, page, true, false},
		{uint32(3*page + 5), 2, page - 1, 2, true, false},
		{uint32(page), 1, page, page, true, true},
		{10, 3, 0, 0, false, false},
		{10, -1, 0, 0, false, false},
		{10, 0, -1, 0, false, false},
		{10, 0, 0, -2, true, false},
		{10, 0, math.MaxInt64, 0, false, false},
		{10, 1, 1, math.MaxInt64, true, true},
		{10, 1, math.MaxInt64 - 1, 2, true, true},
		{10, 0, 0, math.MinInt64, true, false},
	} {
		f.Add(seed.size, seed.mode, seed.off, seed.length, seed.setLen, seed.grow)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, size uint32, mode int8, off, length int64, setLen, grow bool) {
		size %= 4 * uint32(page)
		// A grown file is sparse, but comparing its bytes costs time: keep
		// grown ranges small, except the ones no file can hold.
		if grow && setLen && off >= 0 && length > 0 && off <= math.MaxInt64-length && off+length > 1<<22 && off+length < 1<<62 {
			t.Skip()
		}
		path := filepath.Join(dir, "fuzz")
		if err := os.WriteFile(path, faultContent(int(size)), 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		opts := []mmap.Option{mmap.WithOffset(off)}
		if setLen {
			opts = append(opts, mmap.WithLength(length))
		}
		if grow {
			opts = append(opts, mmap.WithGrow())
		}
		m, err := mmap.MapFile(file, mmap.Mode(mode), opts...)
		if err != nil {
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Op != "mmap" {
				t.Errorf("error %v is not a *fs.PathError from mmap", err)
			}
			if !errors.Is(err, mmap.ErrRange) && !errors.Is(err, mmap.ErrReadOnly) && !errors.Is(err, fs.ErrInvalid) {
				t.Fatalf("size %d, mode %d, offset %d, length %d (set %v), grow %v: %v matches no documented error",
					size, mode, off, length, setLen, grow, err)
			}
			if disk, _ := os.ReadFile(path); !bytes.Equal(disk, faultContent(int(size))) {
				t.Fatalf("a failed MapFile changed the file")
			}
			return
		}
		defer m.Close()
		disk, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		wantLen := int64(len(disk)) - off
		if setLen && length > 0 {
			wantLen = length
		}
		if int64(m.Len()) != wantLen || m.Offset() != off || m.Mode() != mmap.Mode(mode) {
			t.Fatalf("size %d, offset %d, length %d (set %v): Len %d, Offset %d, Mode %v", size, off, length, setLen, m.Len(), m.Offset(), m.Mode())
		}
		if !grow && int64(len(disk)) != int64(size) {
			t.Fatalf("the file changed size from %d to %d without WithGrow", size, len(disk))
		}
		if !bytes.Equal(m.Bytes(), disk[off:off+wantLen]) {
			t.Fatalf("size %d, offset %d, length %d: the map's bytes are not the file's", size, off, wantLen)
		}
		p := make([]byte, m.Len())
		if n, err := m.ReadAt(p, 0); n != m.Len() || err != nil && err != io.EOF || !bytes.Equal(p, m.Bytes()) {
			t.Fatalf("ReadAt of the whole map: %d, %v", n, err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzCursorAgainstReader runs fuzzed sequences of the cursor methods
// (Seek, Read, ReadByte, UnreadByte, ReadRune, UnreadRune, ReadLine,
// WriteTo) on a Map and on a bytes.Reader of the same bytes, which must
// agree, except where the Map is documented to differ: a Seek outside
// [0, Len] is an ErrRange error that leaves the cursor alone, UnreadByte
// works only after ReadByte or ReadRune, and Read of no bytes at the end is
// 0, nil.
func FuzzCursorAgainstReader(f *testing.F) {
	f.Add([]byte("hello\nworld\n"), []byte{0, 5, 2, 3, 2, 6, 6, 6})
	f.Add([]byte("a€b\xffc\n\n"), []byte{4, 4, 5, 4, 3, 5, 1, 0, 7, 0})
	f.Add([]byte(""), []byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte("no newline"), []byte{6, 6, 1, 255, 3, 2, 3})
	f.Add(bytes.Repeat([]byte("line\n"), 50), []byte{1, 200, 6, 0, 130, 7, 2, 3, 3})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		m, err := mmap.Anonymous(len(data))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		copy(m.Bytes(), data)
		r := bytes.NewReader(data)
		canUnread := false // the last call was a ReadByte or ReadRune that read
		pos := func() int64 { return r.Size() - int64(r.Len()) }
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%8, int(ops[i+1])
			wasUnread := canUnread
			canUnread = false
			switch op {
			case 0: // Seek
				whence := arg % 3
				offset := int64(arg/3) - 20
				base := [3]int64{0, pos(), r.Size()}[whence]
				got, err := m.Seek(offset, whence)
				if next := base + offset; next < 0 || next > r.Size() {
					if !errors.Is(err, mmap.ErrRange) || got != pos() {
						t.Fatalf("Seek(%d, %d) to %d: %d, %v; want ErrRange and the cursor left at %d", offset, whence, next, got, err, pos())
					}
					r.Seek(0, io.SeekCurrent) // a failed Seek is still the last call
				} else {
					want, _ := r.Seek(offset, whence)
					if got != want || err != nil {
						t.Fatalf("Seek(%d, %d): %d, %v; want %d", offset, whence, got, err, want)
					}
				}
			case 1: // Read
				p, q := make([]byte, arg), make([]byte, arg)
				n, err := m.Read(p)
				wn, werr := r.Read(q)
				if arg == 0 && pos() >= r.Size() {
					werr = nil
				}
				if n != wn || err != werr || !bytes.Equal(p[:n], q[:wn]) {
					t.Fatalf("Read(%d): %d, %v; want %d, %v", arg, n, err, wn, werr)
				}
			case 2: // ReadByte
				c, err := m.ReadByte()
				wc, werr := r.ReadByte()
				if c != wc || err != werr {
					t.Fatalf("ReadByte: %q, %v; want %q, %v", c, err, wc, werr)
				}
				canUnread = err == nil
			case 3: // UnreadByte
				err := m.UnreadByte()
				if wasUnread {
					r.UnreadByte()
					if err != nil {
						t.Fatalf("UnreadByte after a read: %v", err)
					}
				} else if !errors.Is(err, fs.ErrInvalid) {
					t.Fatalf("UnreadByte after no ReadByte or ReadRune: %v, want fs.ErrInvalid", err)
				}
			case 4: // ReadRune
				c, size, err := m.ReadRune()
				wc, wsize, werr := r.ReadRune()
				if c != wc || size != wsize || err != werr {
					t.Fatalf("ReadRune: %q, %d, %v; want %q, %d, %v", c, size, err, wc, wsize, werr)
				}
				canUnread = err == nil
			case 5: // UnreadRune
				err := m.UnreadRune()
				werr := r.UnreadRune()
				if (err == nil) != (werr == nil) || err != nil && !errors.Is(err, fs.ErrInvalid) {
					t.Fatalf("UnreadRune: %v; want %v", err, werr)
				}
				canUnread = err != nil && wasUnread // as in bufio, a failed unread changes nothing
			case 6: // ReadLine
				line, err := m.ReadLine()
				rest := data[pos():]
				if len(rest) == 0 {
					if line != nil || err != io.EOF {
						t.Fatalf("ReadLine at the end: %q, %v", line, err)
					}
					break
				}
				want := rest
				if i := bytes.IndexByte(rest, '\n'); i >= 0 {
					want = rest[:i+1]
				}
				r.Read(make([]byte, len(want)))
				if !bytes.Equal(line, want) || err != nil {
					t.Fatalf("ReadLine: %q, %v; want %q", line, err, want)
				}
			case 7: // WriteTo
				var got, want bytes.Buffer
				n, err := m.WriteTo(&got)
				wn, werr := r.WriteTo(&want)
				if n != wn || err != werr || !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("WriteTo: %d, %v; want %d, %v", n, err, wn, werr)
				}
			}
			if op != 4 {
				// Only a ReadRune may be undone by UnreadRune. bytes.Reader
				// also allows it after a Read or ReadLine that met the end.
				r.Seek(0, io.SeekCurrent)
			}
			if m.Pos() != pos() {
				t.Fatalf("after op %d(%d): cursor at %d, want %d", op, arg, m.Pos(), pos())
			}
		}
	})
}
