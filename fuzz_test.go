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

// model is a Map written plainly over a []byte: the specification that the
// differential fuzz target holds the real Map to.
type model struct {
	data     []byte
	pos      int64
	grow     bool
	lastRead int // -1 after ReadByte, 0 otherwise (runes are not modelled)
}

func (md *model) readAt(n int, off int64) ([]byte, error) {
	if off < 0 {
		return nil, mmap.ErrRange
	}
	if off >= int64(len(md.data)) {
		return nil, io.EOF
	}
	got := md.data[off:min(off+int64(n), int64(len(md.data)))]
	if len(got) < n {
		return got, io.EOF
	}
	return got, nil
}

func (md *model) ensure(end int64) error {
	if end <= int64(len(md.data)) {
		return nil
	}
	if !md.grow {
		return mmap.ErrRange
	}
	md.data = append(md.data, make([]byte, end-int64(len(md.data)))...)
	return nil
}

func (md *model) writeAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, mmap.ErrRange
	}
	if err := md.ensure(off + int64(len(p))); err != nil {
		return 0, err
	}
	return copy(md.data[off:], p), nil
}

// fuzzOps decodes ops into calls on both the Map and the model and fails on
// the first disagreement in results, errors, cursor or contents.
func fuzzOps(t *testing.T, initial []byte, grow bool, ops []byte) {
	path := writeFile(t, initial)
	var opts []mmap.Option
	if grow {
		opts = append(opts, mmap.WithGrow())
	}
	m, err := mmap.OpenFile(path, mmap.ReadWrite, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	md := &model{data: append([]byte{}, initial...), grow: grow}

	next := func() int {
		if len(ops) == 0 {
			return 0
		}
		b := ops[0]
		ops = ops[1:]
		return int(int8(b)) // small signed numbers reach the edges
	}
	bytesArg := func() []byte {
		n := next() & 7
		b := make([]byte, 0, n)
		for range n {
			b = append(b, byte('a'+next()&3))
		}
		return b
	}
	sameErr := func(op string, got, want error) {
		t.Helper()
		if (got == nil) != (want == nil) || want != nil && !errors.Is(got, want) {
			t.Fatalf("%s: error %v, model says %v", op, got, want)
		}
	}
	for step := 0; len(ops) > 0; step++ {
		op := next() & 15
		switch op {
		case 0: // ReadAt
			n, off := next()&31, int64(next())
			buf := make([]byte, n)
			got, err := m.ReadAt(buf, off)
			want, werr := md.readAt(n, off)
			sameErr("ReadAt", err, werr)
			if !bytes.Equal(buf[:got], want) {
				t.Fatalf("ReadAt(%d, %d) = %q, model %q", n, off, buf[:got], want)
			}
		case 1: // WriteAt
			p, off := bytesArg(), int64(next())
			got, err := m.WriteAt(p, off)
			want, werr := md.writeAt(p, off)
			sameErr("WriteAt", err, werr)
			if got != want {
				t.Fatalf("WriteAt = %d, model %d", got, want)
			}
		case 2: // Read
			n := next() & 31
			buf := make([]byte, n)
			got, err := m.Read(buf)
			var want []byte
			var werr error
			if md.pos >= int64(len(md.data)) {
				if n > 0 {
					werr = io.EOF
				}
			} else {
				want = md.data[md.pos:min(md.pos+int64(n), int64(len(md.data)))]
				md.pos += int64(len(want))
			}
			md.lastRead = 0
			sameErr("Read", err, werr)
			if !bytes.Equal(buf[:got], want) {
				t.Fatalf("Read(%d) = %q, model %q", n, buf[:got], want)
			}
		case 3: // Write
			p := bytesArg()
			got, err := m.Write(p)
			want, werr := md.writeAt(p, md.pos)
			md.pos += int64(want)
			md.lastRead = 0
			sameErr("Write", err, werr)
			if got != want {
				t.Fatalf("Write = %d, model %d", got, want)
			}
		case 4: // Seek
			off, whence := int64(next()), next()&3
			got, err := m.Seek(off, whence)
			base := map[int]int64{0: 0, 1: md.pos, 2: int64(len(md.data))}[whence]
			var werr error
			switch {
			case whence == 3:
				werr = fs.ErrInvalid
			case base+off < 0 || base+off > int64(len(md.data)):
				werr = mmap.ErrRange
			default:
				md.pos = base + off
			}
			md.lastRead = 0 // after any Seek, failed or not, nothing can be unread
			sameErr("Seek", err, werr)
			if err == nil && got != md.pos {
				t.Fatalf("Seek = %d, model %d", got, md.pos)
			}
		case 5: // ReadByte
			got, err := m.ReadByte()
			if md.pos >= int64(len(md.data)) {
				sameErr("ReadByte", err, io.EOF)
				md.lastRead = 0
			} else {
				sameErr("ReadByte", err, nil)
				if got != md.data[md.pos] {
					t.Fatalf("ReadByte = %d, model %d", got, md.data[md.pos])
				}
				md.pos++
				md.lastRead = -1
			}
		case 6: // UnreadByte
			err := m.UnreadByte()
			if md.lastRead == 0 {
				sameErr("UnreadByte", err, fs.ErrInvalid)
			} else {
				sameErr("UnreadByte", err, nil)
				md.pos--
			}
			md.lastRead = 0
		case 7: // WriteByte
			c := byte(next())
			err := m.WriteByte(c)
			_, werr := md.writeAt([]byte{c}, md.pos)
			if werr == nil {
				md.pos++
			}
			md.lastRead = 0
			sameErr("WriteByte", err, werr)
		case 8: // ReadLine
			got, err := m.ReadLine()
			md.lastRead = 0
			if md.pos >= int64(len(md.data)) {
				sameErr("ReadLine", err, io.EOF)
				break
			}
			rest := md.data[md.pos:]
			want := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				want = rest[:i+1]
			}
			md.pos += int64(len(want))
			sameErr("ReadLine", err, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("ReadLine = %q, model %q", got, want)
			}
		case 9, 10: // Find, RFind
			sub, i, j := bytesArg(), next(), next()
			var got int
			if op == 9 {
				got, err = m.FindIn(sub, i, j)
			} else {
				got, err = m.RFindIn(sub, i, j)
			}
			want := pythonFind(string(md.data), string(sub), i, j, op == 10)
			if got != want || err != nil {
				t.Fatalf("find op %d (%q, %d, %d) = %d, %v, model %d", op, sub, i, j, got, err, want)
			}
		case 11: // Resize
			n := next() & 127
			err := m.Resize(n)
			sameErr("Resize", err, nil)
			if n < len(md.data) {
				md.data = md.data[:n]
			} else {
				md.data = append(md.data, make([]byte, n-len(md.data))...)
			}
		case 12: // Move
			d, s, c := next(), next(), next()
			err := m.Move(d, s, c)
			n := len(md.data)
			if d < 0 || s < 0 || c < 0 || c > n-d || c > n-s {
				sameErr("Move", err, mmap.ErrRange)
			} else {
				sameErr("Move", err, nil)
				copy(md.data[d:d+c], md.data[s:s+c])
			}
		case 13: // At
			i := next()
			got, err := m.At(i)
			j := i
			if j < 0 {
				j += len(md.data)
			}
			if j < 0 || j >= len(md.data) {
				sameErr("At", err, mmap.ErrRange)
			} else if got != md.data[j] || err != nil {
				t.Fatalf("At(%d) = %d, %v, model %d", i, got, err, md.data[j])
			}
		case 14: // Flush
			sameErr("Flush", m.Flush(), nil)
		case 15: // Len and Pos
			if m.Len() != len(md.data) || m.Pos() != md.pos {
				t.Fatalf("Len %d Pos %d, model %d %d", m.Len(), m.Pos(), len(md.data), md.pos)
			}
		}
		if !bytes.Equal(m.Bytes(), md.data) {
			t.Fatalf("after op %d at step %d: map %q, model %q", op, step, m.Bytes(), md.data)
		}
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, md.data) {
		t.Fatalf("file %q, model %q", got, md.data)
	}
}

// FuzzMapAgainstModel applies random operation sequences to a file-backed
// Map and to the model; results, cursor, map and file must agree.
func FuzzMapAgainstModel(f *testing.F) {
	f.Add([]byte("hello\nworld\n"), false, []byte{0, 5, 0, 1, 3, 1, 2, 4, 0, 0, 8, 8, 8, 9, 2, 'a', 'b', 0, 127})
	f.Add([]byte(""), true, []byte{3, 5, 1, 2, 3, 4, 5, 11, 40, 8, 13, 255, 15})
	f.Add([]byte("abcabcabc"), false, []byte{10, 1, 0, 250, 255, 12, 0, 3, 3, 4, 2, 0, 6, 5, 6, 6})
	f.Add(bytes.Repeat([]byte("ab\n"), 40), true, []byte{4, 100, 0, 7, 9, 3, 120, 5, 5, 5, 1, 4, 0, 1, 11, 0, 11, 100, 15})
	f.Fuzz(func(t *testing.T, initial []byte, grow bool, ops []byte) {
		if len(initial) > 1<<12 || len(ops) > 1<<12 {
			return
		}
		fuzzOps(t, initial, grow, ops)
	})
}

func FuzzSearch(f *testing.F) {
	f.Add([]byte("hello world, hello"), []byte("hello"), 0, 100, uint8(0))
	f.Add([]byte("aaaaaaaaaa"), []byte("aa"), -3, -1, uint8(1))
	f.Add([]byte("abababab"), []byte("aba"), 1, 7, uint8(3))
	f.Add([]byte(""), []byte(""), 0, 0, uint8(2))
	f.Add([]byte("xyz"), []byte(""), 5, -10, uint8(1))
	f.Fuzz(func(t *testing.T, data, sub []byte, start, end int, mode uint8) {
		if mode%4 != 0 {
			mmap.ForceParallelSearch(t, int(mode%4)*int(mode/4%8+1))
		}
		m := anonMap(t, data)
		checkSearch(t, m, data, sub)
		checkSearch(t, m, data, sub, start)
		checkSearch(t, m, data, sub, start, end)
	})
}

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
