package mmap_test

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/mmapkit/mmap"
)

type header struct {
	Magic   [4]byte
	Version uint32
	Count   atomic.Uint64
	Weights [3]float64
	Flags   struct{ A, B bool }
}

// View refuses every type that holds Go pointers, however deeply, and
// accepts pointer-free ones.
func TestViewPointerTypes(t *testing.T) {
	m, err := mmap.Anonymous(4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	refused := map[string]func() error{
		"*int":           func() error { _, err := mmap.View[*int](m, 0); return err },
		"unsafe.Pointer": func() error { _, err := mmap.View[unsafe.Pointer](m, 0); return err },
		"string":         func() error { _, err := mmap.View[string](m, 0); return err },
		"[]byte":         func() error { _, err := mmap.View[[]byte](m, 0); return err },
		"map":            func() error { _, err := mmap.View[map[int]int](m, 0); return err },
		"chan":           func() error { _, err := mmap.View[chan int](m, 0); return err },
		"func":           func() error { _, err := mmap.View[func()](m, 0); return err },
		"any":            func() error { _, err := mmap.View[any](m, 0); return err },
		"error":          func() error { _, err := mmap.View[error](m, 0); return err },
		"struct{string}": func() error {
			_, err := mmap.View[struct {
				N int
				S string
			}](m, 0)
			return err
		},
		"[2]*int":           func() error { _, err := mmap.View[[2]*int](m, 0); return err },
		"nested":            func() error { _, err := mmap.View[struct{ A [2]struct{ P *int } }](m, 0); return err },
		"atomic.Pointer":    func() error { _, err := mmap.View[atomic.Pointer[int]](m, 0); return err },
		"SliceOf[string]":   func() error { _, err := mmap.SliceOf[string](m, 0, 1); return err },
		"SliceOf[*int] n=0": func() error { _, err := mmap.SliceOf[*int](m, 0, 0); return err },
	}
	for name, fn := range refused {
		if err := fn(); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("%s: %v, want fs.ErrInvalid", name, err)
		}
	}
	accepted := map[string]func() error{
		"int64":          func() error { _, err := mmap.View[int64](m, 0); return err },
		"uintptr":        func() error { _, err := mmap.View[uintptr](m, 0); return err },
		"complex128":     func() error { _, err := mmap.View[complex128](m, 0); return err },
		"header":         func() error { _, err := mmap.View[header](m, 0); return err },
		"[16]uint16":     func() error { _, err := mmap.View[[16]uint16](m, 0); return err },
		"struct{}":       func() error { _, err := mmap.View[struct{}](m, 4096); return err },
		"atomic.Bool":    func() error { _, err := mmap.View[atomic.Bool](m, 0); return err },
		"SliceOf[int32]": func() error { _, err := mmap.SliceOf[int32](m, 0, 1024); return err },
	}
	for name, fn := range accepted {
		if err := fn(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A View is the mapped memory itself, in native layout.
func TestViewInPlace(t *testing.T) {
	m, err := mmap.Anonymous(4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	h, err := mmap.View[header](m, 64)
	if err != nil {
		t.Fatal(err)
	}
	h.Magic = [4]byte{'M', 'M', 'A', 'P'}
	h.Version = 7
	h.Count.Add(41)
	h.Count.Add(1)
	b := m.Bytes()[64:]
	if string(b[:4]) != "MMAP" || binary.NativeEndian.Uint32(b[4:]) != 7 || binary.NativeEndian.Uint64(b[8:]) != 42 {
		t.Fatalf("bytes % x", b[:16])
	}
	s, err := mmap.SliceOf[uint16](m, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	s[3] = 0xBEEF
	if got := binary.NativeEndian.Uint16(m.Bytes()[6:]); got != 0xBEEF {
		t.Fatalf("SliceOf wrote %#x", got)
	}
	if len(s) != 4 || cap(s) != 4 {
		t.Fatalf("len %d cap %d", len(s), cap(s))
	}
	if s0, err := mmap.SliceOf[uint64](m, 4096, 0); err != nil || len(s0) != 0 {
		t.Fatalf("empty SliceOf at the end: %v, %v", s0, err)
	}
}

// Offsets outside the map, or misaligned for the type, are ErrRange
// errors; a closed map gives fs.ErrClosed.
func TestAtomicBoundsAndAlignment(t *testing.T) {
	m, err := mmap.Anonymous(64)
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		fn   func() error
	}{
		{"u64 misaligned", func() error { _, err := mmap.AtomicUint64(m, 4); return err }},
		{"i64 misaligned", func() error { _, err := mmap.AtomicInt64(m, 1); return err }},
		{"u32 misaligned", func() error { _, err := mmap.AtomicUint32(m, 2); return err }},
		{"i32 misaligned", func() error { _, err := mmap.AtomicInt32(m, 63); return err }},
		{"u64 past end", func() error { _, err := mmap.AtomicUint64(m, 64); return err }},
		{"u64 straddles end", func() error { _, err := mmap.AtomicUint64(m, 60); return err }},
		{"u32 past end", func() error { _, err := mmap.AtomicUint32(m, 64); return err }},
		{"negative", func() error { _, err := mmap.AtomicInt64(m, -8); return err }},
		{"slice too long", func() error { _, err := mmap.SliceOf[uint64](m, 8, 8); return err }},
		{"slice negative count", func() error { _, err := mmap.SliceOf[uint64](m, 0, -1); return err }},
		{"slice huge count", func() error { _, err := mmap.SliceOf[uint64](m, 0, math.MaxInt); return err }},
	}
	for _, c := range bad {
		if err := c.fn(); !errors.Is(err, mmap.ErrRange) {
			t.Errorf("%s: %v, want ErrRange", c.name, err)
		}
	}
	for _, off := range []int{0, 8, 56} {
		if _, err := mmap.AtomicUint64(m, off); err != nil {
			t.Errorf("AtomicUint64(%d): %v", off, err)
		}
	}
	if _, err := mmap.AtomicInt32(m, 60); err != nil {
		t.Errorf("AtomicInt32(60): %v", err)
	}
	m.Close()
	if _, err := mmap.AtomicUint64(m, 0); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("after Close: %v, want fs.ErrClosed", err)
	}
	if _, err := mmap.View[int64](nil, 0); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("nil Map: %v, want fs.ErrInvalid", err)
	}
}

// The atomics really are atomic: goroutines of one process, through
// separate views of the same word, lose no update.
func TestAtomicGoroutines(t *testing.T) {
	m, err := mmap.Shared(4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const workers, adds = 4, 10_000
	var wg sync.WaitGroup
	for range workers {
		c, err := mmap.AtomicInt64(m, 128)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range adds {
				c.Add(1)
			}
		}()
	}
	wg.Wait()
	c, _ := mmap.AtomicInt64(m, 128)
	if got := c.Load(); got != workers*adds {
		t.Fatalf("counter = %d, want %d", got, workers*adds)
	}
	// Every view of an offset is the same word.
	a, _ := mmap.AtomicUint32(m, 128)
	if reflect.ValueOf(a).Pointer() != reflect.ValueOf(c).Pointer() {
		t.Fatal("views of one offset differ")
	}
}
