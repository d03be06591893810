package mmap_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"testing"

	"github.com/mmapkit/mmap"
)

func TestOpenWholeFile(t *testing.T) {
	data := pattern(3*mmap.PageSize() + 123)
	m := mustOpen(t, writeFile(t, data), mmap.ReadOnly)
	if m.Len() != len(data) || !bytes.Equal(m.Bytes(), data) {
		t.Fatalf("Len %d, bytes equal %v", m.Len(), bytes.Equal(m.Bytes(), data))
	}
	if m.Mode() != mmap.ReadOnly || m.Offset() != 0 {
		t.Fatalf("Mode %v Offset %d", m.Mode(), m.Offset())
	}
}

// Any offset works, not only multiples of the allocation granularity
// (Python: EINVAL), with or without a length.
func TestOffsetsAndLengths(t *testing.T) {
	data := pattern(5 * mmap.AllocationGranularity())
	path := writeFile(t, data)
	offsets := []int64{0, 1, 100, int64(mmap.PageSize()) - 1, int64(mmap.PageSize()), int64(mmap.AllocationGranularity()) + 7, int64(len(data)) - 1, int64(len(data))}
	for _, off := range offsets {
		for _, length := range []int64{-1, 1, 10, int64(mmap.PageSize()) + 3} {
			want := data[off:]
			opts := []mmap.Option{mmap.WithOffset(off)}
			if length >= 0 {
				opts = append(opts, mmap.WithLength(length))
				if off+length > int64(len(data)) {
					_, err := mmap.OpenFile(path, mmap.ReadOnly, opts...)
					if !errors.Is(err, mmap.ErrRange) {
						t.Errorf("off %d len %d past EOF: err %v, want ErrRange", off, length, err)
					}
					continue
				}
				want = data[off : off+length]
			}
			m, err := mmap.OpenFile(path, mmap.ReadOnly, opts...)
			if err != nil {
				t.Fatalf("off %d len %d: %v", off, length, err)
			}
			if !bytes.Equal(m.Bytes(), want) || m.Offset() != off {
				t.Errorf("off %d len %d: got %d bytes, want %d", off, length, m.Len(), len(want))
			}
			m.Close()
		}
	}
}

func TestOffsetPastEOF(t *testing.T) {
	path := writeFile(t, []byte("hello"))
	if _, err := mmap.Open(path, mmap.WithOffset(6)); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("err %v, want ErrRange", err)
	}
	var pe *fs.PathError
	_, err := mmap.Open(path, mmap.WithOffset(6))
	if !errors.As(err, &pe) || pe.Path != path || pe.Op != "mmap" {
		t.Fatalf("err %v is not a *fs.PathError for the path", err)
	}
	// At EOF exactly: a valid empty map (Python raises ValueError).
	m, err := mmap.Open(path, mmap.WithOffset(5))
	if err != nil || m.Len() != 0 {
		t.Fatalf("offset == size: %v, len %d", err, m.Len())
	}
	m.Close()
}

func TestEmptyFile(t *testing.T) {
	path := writeFile(t, nil)
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.ReadWrite, mmap.CopyOnWrite} {
		m := mustOpen(t, path, mode)
		if m.Len() != 0 || len(m.Bytes()) != 0 {
			t.Fatalf("%v: Len %d", mode, m.Len())
		}
		if i, err := m.Find([]byte("x")); i != -1 || err != nil {
			t.Fatalf("%v: Find = %d, %v", mode, i, err)
		}
		if i, err := m.Find(nil); i != 0 || err != nil {
			t.Fatalf("%v: Find(empty) = %d, %v", mode, i, err)
		}
		if n, err := m.Read(make([]byte, 4)); n != 0 || err != io.EOF {
			t.Fatalf("%v: Read = %d, %v", mode, n, err)
		}
		if err := m.Flush(); err != nil {
			t.Fatalf("%v: Flush: %v", mode, err)
		}
	}
	// An empty ReadWrite map grows by Resize.
	m := mustOpen(t, path, mmap.ReadWrite)
	if err := m.Resize(10); err != nil {
		t.Fatal(err)
	}
	copy(m.Bytes(), "0123456789")
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "0123456789" {
		t.Fatalf("file %q after growing an empty map", got)
	}
}

func TestNotMappable(t *testing.T) {
	for _, path := range []string{t.TempDir(), "/proc/self/status"} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		_, err := mmap.Open(path)
		if !errors.Is(err, mmap.ErrNotMappable) {
			t.Errorf("%s: err %v, want ErrNotMappable", path, err)
		}
	}
}

// The Map keeps working after the caller closes the *os.File.
func TestMapOutlivesFile(t *testing.T) {
	path := writeFile(t, []byte("abcdef"))
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mmap.MapFile(f, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	f.Close()
	if _, err := m.WriteAt([]byte("XY"), 2); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(); err != nil {
		t.Fatalf("Flush after the caller closed its file: %v", err)
	}
	if size, err := m.Size(); size != 6 || err != nil {
		t.Fatalf("Size = %d, %v", size, err)
	}
	if got, _ := os.ReadFile(path); string(got) != "abXYef" {
		t.Fatalf("file %q", got)
	}
}

func TestWriteThroughAndCopyOnWrite(t *testing.T) {
	path := writeFile(t, []byte("hello world"))
	rw := mustOpen(t, path, mmap.ReadWrite)
	cow := mustOpen(t, path, mmap.CopyOnWrite)
	ro := mustOpen(t, path, mmap.ReadOnly)

	if _, err := rw.WriteAt([]byte("HELLO"), 0); err != nil {
		t.Fatal(err)
	}
	// Shared maps see each other's writes at once, before any Flush.
	if got := string(ro.Bytes()[:5]); got != "HELLO" {
		t.Fatalf("read-only map sees %q", got)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "HELLO world" {
		t.Fatalf("after Flush the file reads %q", got)
	}

	if _, err := cow.WriteAt([]byte("WORLD"), 6); err != nil {
		t.Fatal(err)
	}
	if err := cow.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := string(cow.Bytes()[6:]); got != "WORLD" {
		t.Fatalf("copy-on-write map reads %q", got)
	}
	cow.Close()
	if got, _ := os.ReadFile(path); string(got) != "HELLO world" {
		t.Fatalf("copy-on-write changed the file: %q", got)
	}
	if err := cow.Resize(20); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Resize after Close: %v", err)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	path := writeFile(t, []byte("0123456789"))
	m := mustOpen(t, path, mmap.ReadOnly)
	checks := map[string]error{}
	_, checks["WriteAt"] = m.WriteAt([]byte("x"), 0)
	_, checks["Write"] = m.Write([]byte("x"))
	_, checks["WriteString"] = m.WriteString("x")
	checks["WriteByte"] = m.WriteByte('x')
	checks["Move"] = m.Move(0, 1, 1)
	checks["Resize"] = m.Resize(20)
	for name, err := range checks {
		if !errors.Is(err, mmap.ErrReadOnly) {
			t.Errorf("%s on a ReadOnly map: %v, want ErrReadOnly", name, err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "0123456789" {
		t.Fatalf("file changed: %q", got)
	}
	if m.Pos() != 0 {
		t.Fatalf("failed writes moved the cursor to %d", m.Pos())
	}
}

func TestAt(t *testing.T) {
	m := mustOpen(t, writeFile(t, []byte("abc")), mmap.ReadOnly)
	for _, c := range []struct {
		i    int
		want byte
	}{{0, 'a'}, {2, 'c'}, {-1, 'c'}, {-3, 'a'}} {
		if b, err := m.At(c.i); b != c.want || err != nil {
			t.Errorf("At(%d) = %q, %v", c.i, b, err)
		}
	}
	for _, i := range []int{3, -4, math.MaxInt, math.MinInt} {
		if _, err := m.At(i); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("At(%d): %v, want ErrRange", i, err)
		}
	}
}

func TestReadAtWriteAt(t *testing.T) {
	m := mustOpen(t, writeFile(t, []byte("0123456789")), mmap.ReadWrite)
	buf := make([]byte, 4)
	if n, err := m.ReadAt(buf, 8); n != 2 || err != io.EOF || string(buf[:2]) != "89" {
		t.Fatalf("ReadAt at the end = %d, %v, %q", n, err, buf[:n])
	}
	if n, err := m.ReadAt(buf, 10); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt at len = %d, %v", n, err)
	}
	if _, err := m.ReadAt(buf, -1); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("ReadAt(-1): %v", err)
	}
	// Writing past the end writes nothing: an error, never a short write.
	if n, err := m.WriteAt([]byte("abc"), 8); n != 0 || !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("WriteAt past the end = %d, %v", n, err)
	}
	if n, err := m.WriteAt([]byte("ab"), 8); n != 2 || err != nil {
		t.Fatalf("WriteAt to the end = %d, %v", n, err)
	}
	if got := string(m.Bytes()); got != "01234567ab" {
		t.Fatalf("map %q", got)
	}
	if m.Pos() != 0 {
		t.Fatal("ReadAt/WriteAt moved the cursor")
	}
}

func TestGrowByWriting(t *testing.T) {
	path := writeFile(t, []byte("abc"))
	m := mustOpen(t, path, mmap.ReadWrite, mmap.WithGrow())
	if _, err := m.Seek(0, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WriteString("defgh"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WriteAt([]byte("Z"), 10); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "abcdefgh\x00\x00Z"
	if got, _ := os.ReadFile(path); string(got) != want || string(m.Bytes()) != want {
		t.Fatalf("file %q map %q, want %q", got, m.Bytes(), want)
	}
	// Growing at open time.
	m2 := mustOpen(t, path, mmap.ReadWrite, mmap.WithOffset(20), mmap.WithLength(5), mmap.WithGrow())
	if size, _ := m2.Size(); size != 25 || m2.Len() != 5 {
		t.Fatalf("file size %d, map %d after WithGrow", size, m2.Len())
	}
	if _, err := mmap.OpenFile(path, mmap.ReadOnly, mmap.WithGrow()); !errors.Is(err, mmap.ErrReadOnly) {
		t.Fatalf("WithGrow on ReadOnly: %v", err)
	}
}

// CPython checklist M30-M33: move is memmove, with range checks.
func TestMove(t *testing.T) {
	data := []byte("ABCDEabcde")
	for dst := 0; dst < 10; dst++ {
		for src := 0; src < 10; src++ {
			for count := 0; count <= 10-max(dst, src); count++ {
				m, err := mmap.Anonymous(10)
				if err != nil {
					t.Fatal(err)
				}
				copy(m.Bytes(), data)
				if err := m.Move(dst, src, count); err != nil {
					t.Fatal(err)
				}
				want := append([]byte{}, data...)
				copy(want[dst:dst+count], data[src:src+count])
				if !bytes.Equal(m.Bytes(), want) {
					t.Fatalf("Move(%d, %d, %d) = %q, want %q", dst, src, count, m.Bytes(), want)
				}
				m.Close()
			}
		}
	}
	m, _ := mmap.Anonymous(100)
	defer m.Close()
	vals := []int{-100, -1, 0, 1, 100}
	for _, d := range vals {
		for _, s := range vals {
			for _, c := range vals {
				err := m.Move(d, s, c)
				ok := d >= 0 && s >= 0 && c >= 0 && c <= 100-d && c <= 100-s
				if ok != (err == nil) || err != nil && !errors.Is(err, mmap.ErrRange) {
					t.Errorf("Move(%d, %d, %d) = %v", d, s, c, err)
				}
			}
		}
	}
}

func TestFlushRange(t *testing.T) {
	path := writeFile(t, make([]byte, 3*mmap.PageSize()))
	m := mustOpen(t, path, mmap.ReadWrite, mmap.WithOffset(5))
	copy(m.Bytes()[mmap.PageSize()+1:], "xyz")
	// Unaligned offsets are fine (Python: EINVAL).
	for _, r := range [][2]int{{mmap.PageSize() + 1, 3}, {1, 6}, {0, 0}, {m.Len(), 0}, {0, m.Len()}} {
		if err := m.FlushRange(r[0], r[1]); err != nil {
			t.Fatalf("FlushRange(%d, %d): %v", r[0], r[1], err)
		}
	}
	if got, _ := os.ReadFile(path); string(got[5+mmap.PageSize()+1:][:3]) != "xyz" {
		t.Fatal("flushed bytes not in the file")
	}
	for _, r := range [][2]int{{-1, 1}, {0, -1}, {m.Len(), 1}, {1, m.Len()}} {
		if err := m.FlushRange(r[0], r[1]); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("FlushRange(%d, %d): %v, want ErrRange", r[0], r[1], err)
		}
	}
	if err := m.FlushAsync(); err != nil {
		t.Fatal(err)
	}
}

// CPython checklist M9, M42, M56: resize changes the file relative to the
// offset and leaves the cursor alone.
func TestResize(t *testing.T) {
	data := pattern(2 * mmap.AllocationGranularity())
	path := writeFile(t, data)
	m := mustOpen(t, path, mmap.ReadWrite, mmap.WithOffset(int64(mmap.AllocationGranularity())+3))
	if _, err := m.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	kept := data[mmap.AllocationGranularity()+3:]
	for _, n := range []int{512, 5 * mmap.PageSize(), 50, 0, 7} {
		if err := m.Resize(n); err != nil {
			t.Fatalf("Resize(%d): %v", n, err)
		}
		size, _ := m.Size()
		if m.Len() != n || size != int64(mmap.AllocationGranularity())+3+int64(n) {
			t.Fatalf("Resize(%d): Len %d, file %d", n, m.Len(), size)
		}
		if m.Pos() != 100 {
			t.Fatalf("Resize moved the cursor to %d", m.Pos())
		}
		// What the map kept is intact; what it grew by reads as zeros.
		kept = kept[:min(len(kept), n)]
		got := m.Bytes()
		if !bytes.Equal(got[:len(kept)], kept) || !bytes.Equal(got[len(kept):], make([]byte, n-len(kept))) {
			t.Fatalf("Resize(%d): contents wrong", n)
		}
	}
	if err := m.Resize(-1); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("Resize(-1): %v", err)
	}
}

// A map of part of a file never cuts off what follows it.
func TestResizeKeepsTheRestOfTheFile(t *testing.T) {
	data := pattern(10000)
	path := writeFile(t, data)
	m := mustOpen(t, path, mmap.ReadWrite, mmap.WithLength(100))
	if err := m.Resize(50); err != nil {
		t.Fatal(err)
	}
	if err := m.Resize(200); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatalf("file changed: %d bytes", len(got))
	}
}

func TestAnonymous(t *testing.T) {
	m, err := mmap.Anonymous(mmap.PageSize())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !bytes.Equal(m.Bytes(), make([]byte, mmap.PageSize())) {
		t.Fatal("anonymous memory is not zeroed")
	}
	for i := range m.Len() {
		m.Bytes()[i] = byte(i)
	}
	if size, err := m.Size(); size != int64(mmap.PageSize()) || err != nil {
		t.Fatalf("Size = %d, %v", size, err)
	}
	// CPython M63: a private anonymous map grows and keeps its data.
	if err := m.Resize(2 * mmap.PageSize()); err != nil {
		t.Fatal(err)
	}
	if b, _ := m.At(mmap.PageSize() - 1); b != byte(mmap.PageSize()-1) {
		t.Fatalf("data lost growing: %d", b)
	}
	if b, _ := m.At(-1); b != 0 {
		t.Fatal("grown tail not zero")
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	z, err := mmap.Anonymous(0)
	if err != nil || z.Len() != 0 {
		t.Fatalf("Anonymous(0) = %v, %v", z, err)
	}
	z.Close()
	if _, err := mmap.Anonymous(-1); !errors.Is(err, mmap.ErrRange) {
		t.Fatalf("Anonymous(-1): %v", err)
	}
}

func TestAdviseAndLock(t *testing.T) {
	m := mustOpen(t, writeFile(t, pattern(4*mmap.PageSize())), mmap.ReadOnly, mmap.WithPopulate())
	for _, a := range []mmap.Advice{mmap.AdviceNormal, mmap.AdviceRandom, mmap.AdviceSequential, mmap.AdviceWillNeed, mmap.AdvicePopulateRead} {
		if err := m.Advise(a); err != nil {
			t.Errorf("Advise(%v): %v", a, err)
		}
		if err := m.AdviseRange(a, 1, 10); err != nil {
			t.Errorf("AdviseRange(%v, 1, 10): %v", a, err)
		}
	}
	// CPython M60: start out of bounds is an error; a long length is clamped.
	if err := m.AdviseRange(mmap.AdviceNormal, m.Len(), 1); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("AdviseRange at len: %v", err)
	}
	if err := m.AdviseRange(mmap.AdviceNormal, 1, math.MaxInt); err != nil {
		t.Errorf("AdviseRange long: %v", err)
	}
	if err := m.Advise(mmap.Advice(99)); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Advise(99): %v", err)
	}
	if err := m.Lock(); err != nil {
		t.Skipf("Lock: %v (RLIMIT_MEMLOCK?)", err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestClose(t *testing.T) {
	m := mustOpen(t, writeFile(t, []byte("abc")), mmap.ReadWrite)
	if m.Closed() {
		t.Fatal("Closed before Close")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if !m.Closed() || m.Len() != 0 || m.Bytes() != nil {
		t.Fatal("closed map still shows memory")
	}
	buf := make([]byte, 1)
	calls := map[string]error{}
	_, calls["Read"] = m.Read(buf)
	_, calls["ReadAt"] = m.ReadAt(buf, 0)
	_, calls["ReadByte"] = m.ReadByte()
	_, _, calls["ReadRune"] = m.ReadRune()
	_, calls["ReadLine"] = m.ReadLine()
	_, calls["Write"] = m.Write(buf)
	_, calls["WriteAt"] = m.WriteAt(buf, 0)
	calls["WriteByte"] = m.WriteByte(1)
	_, calls["Seek"] = m.Seek(0, io.SeekStart)
	_, calls["Find"] = m.Find(buf)
	_, calls["RFind"] = m.RFind(buf)
	_, calls["At"] = m.At(0)
	_, calls["Size"] = m.Size()
	_, calls["WriteTo"] = m.WriteTo(io.Discard)
	calls["Flush"] = m.Flush()
	calls["FlushRange"] = m.FlushRange(0, 1)
	calls["Resize"] = m.Resize(1)
	calls["Move"] = m.Move(0, 0, 1)
	calls["Advise"] = m.Advise(mmap.AdviceNormal)
	calls["Lock"] = m.Lock()
	calls["Guard"] = m.Guard(func([]byte) error { return nil })
	for name, err := range calls {
		if !errors.Is(err, fs.ErrClosed) {
			t.Errorf("%s after Close: %v, want fs.ErrClosed", name, err)
		}
	}
}
