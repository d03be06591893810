package mmap_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
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
