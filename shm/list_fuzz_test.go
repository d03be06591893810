package shm

import (
	"errors"
	"testing"

	"github.com/mmapkit/mmap"
)

// Any bytes at all in a segment: reading its header, every item and the
// format, and setting items, returns values or errors, never a panic or
// a read outside the segment. Seeds: Python's example list and an empty
// list.
func FuzzShareableListLayout(f *testing.F) {
	for _, items := range [][]any{
		{"howdy", []byte("HoWdY"), -273.154, int64(100), nil, true, int64(42)},
		nil,
	} {
		enc := make([]item, len(items))
		for i, v := range items {
			enc[i], _ = encode(v, 0)
		}
		lay, size, _ := newLayout(enc)
		m, _ := mmap.Anonymous(int(size))
		lay.writeAll(m, enc)
		f.Add(append([]byte(nil), m.Bytes()...))
		m.Close()
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		m, err := mmap.Anonymous(len(data))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		copy(m.Bytes(), data)
		lay, err := readLayout(m)
		if err != nil {
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("readLayout: %v, want ErrLayout", err)
			}
			return
		}
		lay.format(m)
		for p := range lay.n {
			if _, err := lay.get(m, p); err != nil && !errors.Is(err, ErrLayout) {
				t.Fatalf("get(%d): %v, want a value or ErrLayout", p, err)
			}
			for _, v := range []any{"s", []byte("0123456789abcdef0"), int64(1), nil} {
				it, err := encode(v, lay.capacity(p))
				if err != nil {
					continue
				}
				if err := lay.set(m, p, it); err != nil && !errors.Is(err, ErrLayout) && !errors.Is(err, ErrCapacity) {
					t.Fatalf("set(%d, %v): %v", p, v, err)
				}
			}
		}
	})
}
