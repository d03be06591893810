package shm_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/shm"
)

// pythonList is the list, as Python writes it, and as Go's Get
// returns it.
const pythonList = `['howdy', b'HoWdY', -273.154, 100, None, True, 42]`

var goList = []any{"howdy", []byte("HoWdY"), -273.154, int64(100), nil, true, int64(42)}

const pythonListFormat = "8s8sdqxxxxxx?xxxxxxxx?q"

// newList makes a list that the test unlinks when it ends.
func newList(t *testing.T, name string, items []any, opts ...shm.Option) *shm.ShareableList {
	t.Helper()
	l, err := shm.NewShareableList(name, items, opts...)
	if err != nil {
		t.Fatalf("NewShareableList(%q): %v", name, err)
	}
	t.Cleanup(func() {
		l.Close()
		l.Unlink()
	})
	return l
}

func checkItems(t *testing.T, l *shm.ShareableList, want []any) {
	t.Helper()
	if l.Len() != len(want) {
		t.Fatalf("Len() = %d, want %d", l.Len(), len(want))
	}
	for i, w := range want {
		got, err := l.Get(i)
		if err != nil {
			t.Fatalf("Get(%d): %v", i, err)
		}
		if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", w, w) {
			t.Errorf("Get(%d) = %T %v, want %T %v", i, got, got, w, w)
		}
	}
}

// Python creates the list; Go attaches, reads every item and the
// format, sets item 3 to 7, and Python sees it.
func TestShareableListPythonCreates(t *testing.T) {
	supported(t)
	name := newName()
	t.Cleanup(func() { shm.Unlink(name) })
	python(t, `attach_list(sys.argv[1], `+pythonList+`)`, name)
	l, err := shm.OpenShareableList(name)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	checkItems(t, l, goList)
	if f := l.Format(); f != pythonListFormat {
		t.Errorf("Format() = %q, want %q", f, pythonListFormat)
	}
	var got []any
	for v, err := range l.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if fmt.Sprint(got) != fmt.Sprint(goList) {
		t.Errorf("All() = %v, want %v", got, goList)
	}
	if err := l.Set(3, 7); err != nil {
		t.Fatal(err)
	}
	if out := python(t, `print(attach_list(sys.argv[1])[3])`, name); out != "7\n" {
		t.Fatalf("Python sees item 3 as %q, want 7", out)
	}
}

// Go creates the list; Python's ShareableList(name=...) reads the same
// tuple and format, and the bytes are exactly those Python writes for the
// same list.
func TestShareableListGoCreates(t *testing.T) {
	supported(t)
	name := newName()
	l := newList(t, name, goList)
	out := python(t, `
sl = attach_list(sys.argv[1])
print(tuple(sl))
print(sl.format)
`, name)
	want := "('howdy', b'HoWdY', -273.154, 100, None, True, 42)\n" + pythonListFormat + "\n"
	if out != want {
		t.Fatalf("Python read\n%s\nwant\n%s", out, want)
	}
	checkItems(t, l, goList)

	pyName := newName()
	t.Cleanup(func() { shm.Unlink(pyName) })
	python(t, `attach_list(sys.argv[1], `+pythonList+`)`, pyName)
	sameBytes(t, name, pyName)
}

// sameBytes fails unless segments a and b hold the same bytes.
func sameBytes(t *testing.T, a, b string) {
	t.Helper()
	sa, err := shm.Open(a, shm.WithAccess(mmap.ReadOnly))
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	sb, err := shm.Open(b, shm.WithAccess(mmap.ReadOnly))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if !bytes.Equal(sa.Bytes(), sb.Bytes()) {
		t.Fatalf("Go's list and Python's differ:\ngo     %q\npython %q", sa.Bytes(), sb.Bytes())
	}
}

// The same Sets, done by Go on one list and by Python on another, leave
// the same bytes: the formats and codes Set writes are Python's, type
// changes included.
func TestShareableListSetLikePython(t *testing.T) {
	supported(t)
	items := []any{"a", "sixteen bytes!!!", int64(1), 2.5, true, nil, []byte("by")}
	goName, pyName := newName(), newName()
	l := newList(t, goName, items)
	t.Cleanup(func() { shm.Unlink(pyName) })
	python(t, `
sl = attach_list(sys.argv[1], ['a', 'sixteen bytes!!!', 1, 2.5, True, None, b'by'])
sl[0] = 12345678
sl[1] = b'short'
sl[2] = 'eightchr'
sl[3] = None
sl[4] = -0.5
sl[5] = False
sl[6] = 'str now'
sl[-7] = 'back'
`, pyName)
	for _, s := range []struct {
		i int
		v any
	}{{0, 12345678}, {1, []byte("short")}, {2, "eightchr"}, {3, nil}, {4, -0.5}, {5, false}, {6, "str now"}, {-7, "back"}} {
		if err := l.Set(s.i, s.v); err != nil {
			t.Fatalf("Set(%d, %v): %v", s.i, s.v, err)
		}
	}
	sameBytes(t, goName, pyName)
	checkItems(t, l, []any{"back", []byte("short"), "eightchr", nil, -0.5, false, "str now"})
	out := python(t, `print(list(attach_list(sys.argv[1])))`, goName)
	if want := "['back', b'short', 'eightchr', None, -0.5, False, 'str now']\n"; out != want {
		t.Fatalf("Python reads %q, want %q", out, want)
	}
}

// Where Python is lax, the list is strict.
func TestShareableListStrict(t *testing.T) {
	supported(t)
	l := newList(t, newName(), goList)
	for _, i := range []int{-8, 7, 100, -100} {
		if _, err := l.Get(i); !errors.Is(err, shm.ErrIndex) {
			t.Errorf("Get(%d) = %v, want ErrIndex", i, err)
		}
		if err := l.Set(i, 1); !errors.Is(err, shm.ErrIndex) {
			t.Errorf("Set(%d) = %v, want ErrIndex", i, err)
		}
	}
	if v, err := l.Get(-7); err != nil || v != "howdy" {
		t.Errorf("Get(-7) = %v, %v, want howdy", v, err)
	}
	before := l.Format()
	if err := l.Set(0, "123456789"); !errors.Is(err, shm.ErrCapacity) {
		t.Errorf("a 9-byte string into an 8-byte item: %v, want ErrCapacity", err)
	}
	if err := l.Set(2, "123456789"); !errors.Is(err, shm.ErrCapacity) {
		t.Errorf("a 9-byte string into a float's 8 bytes: %v, want ErrCapacity", err)
	}
	for _, v := range []any{struct{}{}, uint64(1 << 63), "bad\xff", "nul\x00", []byte{1, 0}, []int{1}, complex(1, 2)} {
		if err := l.Set(3, v); !errors.Is(err, shm.ErrItemType) {
			t.Errorf("Set(3, %#v) = %v, want ErrItemType", v, err)
		}
	}
	if l.Format() != before {
		t.Errorf("failed Sets changed the format: %q, was %q", l.Format(), before)
	}
	checkItems(t, l, goList)
	// Every Go integer that fits int64 is stored as one.
	for _, v := range []any{int8(-8), int16(16), int32(-32), uint8(8), uint16(16), uint32(32), uint(64), uint64(1<<63 - 1), float32(0.5)} {
		if err := l.Set(3, v); err != nil {
			t.Errorf("Set(3, %T %v): %v", v, v, err)
		}
	}

	// A bad item creates nothing.
	for _, v := range []any{struct{}{}, uint64(1 << 63), "bad\xff", []byte("x\x00")} {
		name := newName()
		if _, err := shm.NewShareableList(name, []any{1, v}); !errors.Is(err, shm.ErrItemType) {
			t.Errorf("NewShareableList with %#v: %v, want ErrItemType", v, err)
		}
		if _, err := shm.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("NewShareableList with %#v left a segment: %v", v, err)
		}
	}
}

func TestShareableListLifecycle(t *testing.T) {
	supported(t)
	empty := newList(t, "", nil)
	if empty.Len() != 0 || empty.Format() != "" || !strings.HasPrefix(empty.Name(), "psm_") {
		t.Errorf("empty list: Len %d Format %q Name %q", empty.Len(), empty.Format(), empty.Name())
	}
	name := newName()
	l := newList(t, name, []any{"x", 1})
	if s := l.String(); s != fmt.Sprintf(`ShareableList(["x", 1], name=%q)`, name) {
		t.Errorf("String() = %s", s)
	}
	ro, err := shm.OpenShareableList(name, shm.WithAccess(mmap.ReadOnly))
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.Set(1, 2); !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("Set on a read-only list: %v, want mmap.ErrReadOnly", err)
	}
	ro.Close()
	if err := ro.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ro.Get(0); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Get after Close: %v, want fs.ErrClosed", err)
	}
	if err := ro.Set(0, "y"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Set after Close: %v, want fs.ErrClosed", err)
	}

	// A segment that is not a list.
	plain := newName()
	s := create(t, plain, 4096)
	for i := range s.Bytes() {
		s.Bytes()[i] = 0xff
	}
	if _, err := shm.OpenShareableList(plain); !errors.Is(err, shm.ErrLayout) {
		t.Errorf("OpenShareableList of a plain segment: %v, want ErrLayout", err)
	}
	if _, err := shm.OpenShareableList(newName()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenShareableList of a missing name: %v, want fs.ErrNotExist", err)
	}
}

// Values two processes store in one item, as fast as they can, while
// this process reads it: every read must be one of them, whole.
var flipValues = []any{"aaaaaaaaaaaaaaa", []byte("bbbbbbbbbbbbbbbb"), int64(-1), 3.5, nil, true, "c"}

const flips = 20000

func init() {
	roles["sl-flip"] = func(name string) error {
		l, err := shm.OpenShareableList(name)
		if err != nil {
			return err
		}
		defer l.Close()
		for k := range flips {
			if err := l.Set(0, flipValues[(k+os.Getpid())%len(flipValues)]); err != nil {
				return err
			}
		}
		return l.Set(1, int64(os.Getpid())) // done
	}
}

func TestShareableListNoTornItems(t *testing.T) {
	supported(t)
	name := newName()
	l := newList(t, name, []any{"ppppppppppppppp", int64(0)})
	allowed := map[string]bool{}
	for _, v := range append(flipValues, "ppppppppppppppp") {
		allowed[fmt.Sprintf("%T %v", v, v)] = true
	}
	done := make(chan error, 2)
	for range 2 {
		cmd := helper("sl-flip", name)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
	}
	reads, running := 0, 2
	for running > 0 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			running--
			continue
		default:
		}
		v, err := l.Get(0)
		if err != nil {
			t.Fatalf("Get after %d reads: %v", reads, err)
		}
		if !allowed[fmt.Sprintf("%T %v", v, v)] {
			t.Fatalf("Get after %d reads saw a torn item: %T %#v", reads, v, v)
		}
		reads++
	}
	t.Logf("%d reads during %d sets", reads, 2*flips)
}

// A str's capacity comes from its UTF-8 length, so non-ASCII strings keep
// every byte (Python 3.11 sizes them by characters and cuts the encoding
// short: ShareableList(['ü'*7]) reads back 'üüüü').
func TestShareableListNonASCII(t *testing.T) {
	supported(t)
	name := newName()
	items := []any{strings.Repeat("ü", 7), "€", "日本語のテキスト"}
	l := newList(t, name, items)
	checkItems(t, l, items)
	if err := l.Set(1, "€€"); err != nil { // 6 bytes in the 8 of "€"
		t.Fatal(err)
	}
	out := python(t, `print(list(attach_list(sys.argv[1])))`, name)
	if want := "['üüüüüüü', '€€', '日本語のテキスト']\n"; out != want {
		t.Fatalf("Python reads %q, want %q", out, want)
	}
}

// An empty list is 16 bytes, as Python makes it, in both directions.
func TestShareableListEmptyInterop(t *testing.T) {
	supported(t)
	name, pyName := newName(), newName()
	newList(t, name, nil)
	t.Cleanup(func() { shm.Unlink(pyName) })
	out := python(t, `
sl = attach_list(sys.argv[1])
print(list(sl), repr(sl.format), sl.shm.size)
attach_list(sys.argv[2], [])
`, name, pyName)
	if out != "[] '' 16\n" {
		t.Fatalf("Python reads Go's empty list as %q", out)
	}
	l, err := shm.OpenShareableList(pyName)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Len() != 0 || l.Format() != "" {
		t.Fatalf("Python's empty list: Len %d, Format %q", l.Len(), l.Format())
	}
	sameBytes(t, name, pyName)
}
