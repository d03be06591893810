package mmap_test

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"github.com/mmapkit/mmap"
)

// badSentinels are the errors a caller tests for. A bad input's error must
// match exactly the ones its table entry lists, and none of the others.
var badSentinels = []struct {
	name string
	err  error
}{
	{"ErrRange", mmap.ErrRange},
	{"ErrReadOnly", mmap.ErrReadOnly},
	{"ErrNotMappable", mmap.ErrNotMappable},
	{"ErrFault", mmap.ErrFault},
	{"fs.ErrClosed", fs.ErrClosed},
	{"fs.ErrInvalid", fs.ErrInvalid},
	{"fs.ErrNotExist", fs.ErrNotExist},
	{"fs.ErrPermission", fs.ErrPermission},
	{"io.EOF", io.EOF},
	{"EISDIR", syscall.EISDIR},
	{"EFBIG", syscall.EFBIG},
}

// TestBadInputs calls the package with inputs that are wrong, each of which
// must give one precise error, never a panic or a success.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	size := 3*mmap.PageSize() + 5
	path := filepath.Join(dir, "file")
	if err := os.WriteFile(path, faultContent(size), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	openFile := func(name string, flag int) *os.File {
		f, err := os.OpenFile(name, flag, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	fifoFile := openFile(fifo, os.O_RDWR|syscall.O_NONBLOCK)
	readOnlyFile := openFile(path, os.O_RDONLY) // chmod does not stop root
	rwFile := openFile(path, os.O_RDWR)
	dirFile := openFile(dir, os.O_RDONLY)
	mapOf := func(f *os.File, mode mmap.Mode, opts ...mmap.Option) error {
		m, err := mmap.MapFile(f, mode, opts...)
		if err == nil {
			m.Close()
		}
		return err
	}
	open := func(mode mmap.Mode) *mmap.Map { return mustOpen(t, path, mode) }
	ro, rw := open(mmap.ReadOnly), open(mmap.ReadWrite)
	closed := open(mmap.ReadWrite)
	closed.Close()
	var nilMap *mmap.Map
	zero := new(mmap.Map)
	p := make([]byte, 8)
	nop := func([]byte) error { return nil }
	first := func(_ any, err error) error { return err }
	first3 := func(_, _ any, err error) error { return err }
	const maxInt = math.MaxInt
	var nilRegexp *regexp.Regexp

	for _, tc := range []struct {
		name string
		err  func() error
		want []error // nil: the call must succeed
	}{
		// Files that cannot be mapped, or not like this.
		{"Open a directory", func() error { return first(mmap.Open(dir)) }, []error{mmap.ErrNotMappable}},
		{"MapFile a directory", func() error { return mapOf(dirFile, mmap.ReadOnly) }, []error{mmap.ErrNotMappable}},
		{"OpenFile a directory ReadWrite", func() error { return first(mmap.OpenFile(dir, mmap.ReadWrite)) }, []error{syscall.EISDIR}},
		{"MapFile a FIFO", func() error { return mapOf(fifoFile, mmap.ReadOnly) }, []error{mmap.ErrNotMappable}},
		{"MapFile a FIFO with a length", func() error { return mapOf(fifoFile, mmap.ReadOnly, mmap.WithLength(10)) }, []error{mmap.ErrNotMappable}},
		{"Open /proc/self/status", func() error { return first(mmap.Open("/proc/self/status")) }, []error{mmap.ErrNotMappable}},
		{"Open a missing file", func() error { return first(mmap.Open(filepath.Join(dir, "missing"))) }, []error{fs.ErrNotExist}},
		{"OpenFile a missing file ReadWrite", func() error { return first(mmap.OpenFile(filepath.Join(dir, "missing"), mmap.ReadWrite)) }, []error{fs.ErrNotExist}},
		{"MapFile a read-only descriptor ReadWrite", func() error { return mapOf(readOnlyFile, mmap.ReadWrite) }, []error{fs.ErrPermission}},
		{"MapFile a read-only descriptor CopyOnWrite", func() error { return mapOf(readOnlyFile, mmap.CopyOnWrite) }, nil},
		{"MapFile a read-only descriptor ReadWrite WithGrow", func() error {
			return mapOf(readOnlyFile, mmap.ReadWrite, mmap.WithGrow(), mmap.WithLength(int64(2*size)))
		}, []error{fs.ErrPermission}},
		{"MapFile nil", func() error { return mapOf(nil, mmap.ReadOnly) }, []error{fs.ErrInvalid}},
		{"invalid Mode 3", func() error { return mapOf(rwFile, mmap.Mode(3)) }, []error{fs.ErrInvalid}},
		{"invalid Mode -1", func() error { return first(mmap.OpenFile(path, mmap.Mode(-1))) }, []error{fs.ErrInvalid}},

		// Offsets and lengths.
		{"negative offset", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(-1)) }, []error{mmap.ErrRange}},
		{"offset MinInt64", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(math.MinInt64)) }, []error{mmap.ErrRange}},
		{"offset past EOF", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(int64(size+1))) }, []error{mmap.ErrRange}},
		{"offset MaxInt64", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(math.MaxInt64)) }, []error{mmap.ErrRange}},
		{"offset at EOF", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(int64(size))) }, nil},
		{"negative length", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithLength(-2)) }, []error{mmap.ErrRange}},
		{"length MinInt64", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithLength(math.MinInt64)) }, []error{mmap.ErrRange}},
		{"length past EOF", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithLength(int64(size+1))) }, []error{mmap.ErrRange}},
		{"length MaxInt64", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithLength(math.MaxInt64)) }, []error{mmap.ErrRange}},
		{"offset + length overflows", func() error {
			return mapOf(rwFile, mmap.ReadOnly, mmap.WithOffset(10), mmap.WithLength(math.MaxInt64-5))
		}, []error{mmap.ErrRange}},
		{"offset + length overflows WithGrow", func() error {
			return mapOf(rwFile, mmap.ReadWrite, mmap.WithGrow(), mmap.WithOffset(10), mmap.WithLength(math.MaxInt64-5))
		}, []error{mmap.ErrRange}},
		{"WithGrow past what a file can hold", func() error {
			return mapOf(rwFile, mmap.ReadWrite, mmap.WithGrow(), mmap.WithLength(math.MaxInt64))
		}, []error{mmap.ErrRange, syscall.EFBIG}},
		{"WithGrow ReadOnly", func() error { return mapOf(rwFile, mmap.ReadOnly, mmap.WithGrow()) }, []error{mmap.ErrReadOnly}},
		{"WithGrow CopyOnWrite", func() error { return mapOf(rwFile, mmap.CopyOnWrite, mmap.WithGrow()) }, []error{mmap.ErrReadOnly}},
		{"Anonymous negative", func() error { return first(mmap.Anonymous(-1)) }, []error{mmap.ErrRange}},

		// Nil arguments (issue 9 item 10): an error, never a panic.
		{"FindRegexp nil", func() error { return first(ro.FindRegexp(nil)) }, []error{fs.ErrInvalid}},
		{"FindRegexp a nil *regexp.Regexp", func() error { return first(ro.FindRegexp(nilRegexp)) }, []error{fs.ErrInvalid}},
		{"Matches nil", func() error {
			for _, err := range ro.Matches(nil) {
				return err
			}
			return nil
		}, []error{fs.ErrInvalid}},
		{"CountRegexp nil", func() error { return first(ro.CountRegexp(nil)) }, []error{fs.ErrInvalid}},
		{"CountRegexp a nil *regexp.Regexp", func() error { return first(ro.CountRegexp(nilRegexp)) }, []error{fs.ErrInvalid}},
		{"CountLinesMatching nil", func() error { return first(ro.CountLinesMatching(nil)) }, []error{fs.ErrInvalid}},
		{"CountLinesMatching a nil *regexp.Regexp", func() error { return first(ro.CountLinesMatching(nilRegexp)) }, []error{fs.ErrInvalid}},
		{"Guard nil", func() error { return ro.Guard(nil) }, []error{fs.ErrInvalid}},
		{"WriteTo nil", func() error { return first(ro.WriteTo(nil)) }, []error{fs.ErrInvalid}},
		{"WriteTo a nil *os.File", func() error { return first(ro.WriteTo((*os.File)(nil))) }, []error{fs.ErrInvalid}},
		{"ShareWith nil", func() error { return first(ro.ShareWith(nil)) }, []error{fs.ErrInvalid}},
		{"ReadLineLimit 0", func() error { return first(ro.ReadLineLimit(0)) }, []error{fs.ErrInvalid}},

		// Methods with arguments out of range.
		{"ReadAt negative offset", func() error { return first(ro.ReadAt(p, -1)) }, []error{mmap.ErrRange}},
		{"ReadAt at the end", func() error { return first(ro.ReadAt(p, int64(size))) }, []error{io.EOF}},
		{"ReadAt MaxInt64", func() error { return first(ro.ReadAt(p, math.MaxInt64)) }, []error{io.EOF}},
		{"ReadAt across the end", func() error { return first(ro.ReadAt(p, int64(size-1))) }, []error{io.EOF}},
		{"At past the end", func() error { return first(ro.At(size)) }, []error{mmap.ErrRange}},
		{"At before the start", func() error { return first(ro.At(-size - 1)) }, []error{mmap.ErrRange}},
		{"At MinInt", func() error { return first(ro.At(math.MinInt)) }, []error{mmap.ErrRange}},
		{"WriteAt a ReadOnly map", func() error { return first(ro.WriteAt(p, 0)) }, []error{mmap.ErrReadOnly}},
		{"WriteAt past the end", func() error { return first(rw.WriteAt(p, int64(size-1))) }, []error{mmap.ErrRange}},
		{"WriteAt negative offset", func() error { return first(rw.WriteAt(p, -1)) }, []error{mmap.ErrRange}},
		{"WriteAt MaxInt64", func() error { return first(rw.WriteAt(p, math.MaxInt64)) }, []error{mmap.ErrRange}},
		{"Write a ReadOnly map", func() error { return first(ro.Write(p)) }, []error{mmap.ErrReadOnly}},
		{"WriteByte a ReadOnly map", func() error { return ro.WriteByte('x') }, []error{mmap.ErrReadOnly}},
		{"Write past the end", func() error {
			rw.Seek(-1, io.SeekEnd)
			return first(rw.Write(p))
		}, []error{mmap.ErrRange}},
		{"WriteString past the end", func() error {
			rw.Seek(0, io.SeekEnd)
			return first(rw.WriteString("x"))
		}, []error{mmap.ErrRange}},
		{"Move a ReadOnly map", func() error { return ro.Move(0, 1, 1) }, []error{mmap.ErrReadOnly}},
		{"Move from past the end", func() error { return rw.Move(0, size-1, 2) }, []error{mmap.ErrRange}},
		{"Move to past the end", func() error { return rw.Move(size, 0, 1) }, []error{mmap.ErrRange}},
		{"Move negative dst", func() error { return rw.Move(-1, 0, 1) }, []error{mmap.ErrRange}},
		{"Move negative count", func() error { return rw.Move(0, 1, -1) }, []error{mmap.ErrRange}},
		{"Move MaxInt count", func() error { return rw.Move(1, 0, maxInt) }, []error{mmap.ErrRange}},
		{"Seek negative", func() error { return first(ro.Seek(-1, io.SeekStart)) }, []error{mmap.ErrRange}},
		{"Seek before the start from the end", func() error { return first(ro.Seek(int64(-size-1), io.SeekEnd)) }, []error{mmap.ErrRange}},
		{"Seek past the end", func() error { return first(ro.Seek(1, io.SeekEnd)) }, []error{mmap.ErrRange}},
		{"Seek overflowing", func() error {
			ro.Seek(1, io.SeekStart)
			return first(ro.Seek(math.MaxInt64, io.SeekCurrent))
		}, []error{mmap.ErrRange}},
		{"Seek whence 3", func() error { return first(ro.Seek(0, 3)) }, []error{fs.ErrInvalid}},
		{"Seek whence -1", func() error { return first(ro.Seek(0, -1)) }, []error{fs.ErrInvalid}},
		{"FindIn with huge bounds", func() error { return first(ro.FindIn(p, math.MinInt, maxInt)) }, nil},
		{"FlushRange negative offset", func() error { return rw.FlushRange(-1, 1) }, []error{mmap.ErrRange}},
		{"FlushRange negative length", func() error { return rw.FlushRange(0, -1) }, []error{mmap.ErrRange}},
		{"FlushRange past the end", func() error { return rw.FlushRange(size, 1) }, []error{mmap.ErrRange}},
		{"FlushRange MaxInt", func() error { return rw.FlushRange(1, maxInt) }, []error{mmap.ErrRange}},
		{"invalid Advice", func() error { return ro.Advise(mmap.Advice(99)) }, []error{fs.ErrInvalid}},
		{"negative Advice", func() error { return ro.Advise(mmap.Advice(-1)) }, []error{fs.ErrInvalid}},
		{"AdviseRange past the end", func() error { return ro.AdviseRange(mmap.AdviceNormal, size+1, 1) }, []error{mmap.ErrRange}},
		{"UnreadByte with nothing read", func() error {
			ro.Seek(0, io.SeekStart)
			return ro.UnreadByte()
		}, []error{fs.ErrInvalid}},
		{"UnreadRune after ReadByte", func() error {
			ro.ReadByte()
			return ro.UnreadRune()
		}, []error{fs.ErrInvalid}},
		{"Resize a ReadOnly map", func() error { return ro.Resize(10) }, []error{mmap.ErrReadOnly}},
		{"Resize negative", func() error { return rw.Resize(-1) }, []error{mmap.ErrRange}},
		{"Resize to 0", func() error {
			m := mustOpen(t, writeFaultFile(t, 10), mmap.ReadWrite)
			if err := m.Resize(0); err != nil {
				return err
			}
			if m.Len() != 0 || len(m.Bytes()) != 0 {
				t.Errorf("Resize(0): Len %d", m.Len())
			}
			if _, err := m.At(0); !errors.Is(err, mmap.ErrRange) {
				t.Errorf("At(0) of an empty map: %v", err)
			}
			return nil
		}, nil},

		// Methods after Close.
		{"ReadAt after Close", func() error { return first(closed.ReadAt(p, 0)) }, []error{fs.ErrClosed}},
		{"Find after Close", func() error { return first(closed.Find(p)) }, []error{fs.ErrClosed}},
		{"Write after Close", func() error { return first(closed.Write(p)) }, []error{fs.ErrClosed}},
		{"Resize after Close", func() error { return closed.Resize(10) }, []error{fs.ErrClosed}},
		{"Guard after Close", func() error { return closed.Guard(nop) }, []error{fs.ErrClosed}},
		{"Flush after Close", func() error { return closed.Flush() }, []error{fs.ErrClosed}},
		{"Size after Close", func() error { return first(closed.Size()) }, []error{fs.ErrClosed}},
		{"Close after Close", func() error { return closed.Close() }, nil},

		// A nil *Map, and a Map not made by this package.
		{"nil ReadAt", func() error { return first(nilMap.ReadAt(p, 0)) }, []error{fs.ErrInvalid}},
		{"nil Read", func() error { return first(nilMap.Read(p)) }, []error{fs.ErrInvalid}},
		{"nil ReadRune", func() error { return first3(nilMap.ReadRune()) }, []error{fs.ErrInvalid}},
		{"nil Write", func() error { return first(nilMap.Write(p)) }, []error{fs.ErrInvalid}},
		{"nil WriteByte", func() error { return nilMap.WriteByte(1) }, []error{fs.ErrInvalid}},
		{"nil Seek", func() error { return first(nilMap.Seek(0, io.SeekStart)) }, []error{fs.ErrInvalid}},
		{"nil Find", func() error { return first(nilMap.Find(p)) }, []error{fs.ErrInvalid}},
		{"nil Guard", func() error { return nilMap.Guard(nop) }, []error{fs.ErrInvalid}},
		{"nil Resize", func() error { return nilMap.Resize(1) }, []error{fs.ErrInvalid}},
		{"nil Flush", func() error { return nilMap.Flush() }, []error{fs.ErrInvalid}},
		{"nil WriteTo", func() error { return first(nilMap.WriteTo(io.Discard)) }, []error{fs.ErrInvalid}},
		{"nil Close", func() error { return nilMap.Close() }, []error{fs.ErrInvalid}},
		{"zero ReadAt", func() error { return first(zero.ReadAt(p, 0)) }, []error{fs.ErrInvalid}},
		{"zero At", func() error { return first(zero.At(0)) }, []error{fs.ErrInvalid}},
		{"zero Write", func() error { return first(zero.Write(p)) }, []error{fs.ErrInvalid}},
		{"zero WriteAt", func() error { return first(zero.WriteAt(p, 0)) }, []error{fs.ErrInvalid}},
		{"zero Move", func() error { return zero.Move(0, 0, 1) }, []error{fs.ErrInvalid}},
		{"zero Resize", func() error { return zero.Resize(1) }, []error{fs.ErrInvalid}},
		{"zero Guard", func() error { return zero.Guard(nop) }, []error{fs.ErrInvalid}},
		{"zero Advise", func() error { return zero.Advise(mmap.AdviceNormal) }, []error{fs.ErrInvalid}},
		{"zero Lock", func() error { return zero.Lock() }, []error{fs.ErrInvalid}},
		{"zero Close", func() error { return zero.Close() }, []error{fs.ErrInvalid}},
	} {
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", tc.name, r)
				}
			}()
			return tc.err()
		}()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v, want success", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, s := range badSentinels {
			want := false
			for _, w := range tc.want {
				want = want || w == s.err
			}
			if got := errors.Is(err, s.err); got != want {
				t.Errorf("%s: %v: errors.Is(err, %s) = %v, want %v", tc.name, err, s.name, got, want)
			}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == "" && pe.Op != "mmap" {
			t.Errorf("%s: %v: a PathError without a path", tc.name, err)
		}
	}
	// Nothing above may have written to the file.
	if disk, _ := os.ReadFile(path); string(disk) != string(faultContent(size)) {
		t.Error("a failed call changed the file")
	}
	// Nor closed or moved anything that the valid maps need.
	if c, err := ro.At(-1); err != nil || c != faultContent(size)[size-1] {
		t.Errorf("the ReadOnly map after the bad calls: %q, %v", c, err)
	}
	for _, m := range []*mmap.Map{nilMap, zero, closed} {
		if m.Len() != 0 || m.Bytes() != nil || m.Pos() != 0 {
			t.Errorf("a nil, zero or closed map shows memory: Len %d", m.Len())
		}
	}
}
