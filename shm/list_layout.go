package shm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/mmapkit/mmap"
)

// Python's ShareableList layout (CPython Lib/multiprocessing/
// shared_memory.py), all integers in native byte order as struct's "q"
// and "b" write them:
//
//	0              int64 n, the number of items
//	8              n+1 int64 offsets of the items in the data area
//	               (offsets[0] = 0, offsets[n] = the area's size)
//	8*(n+2)        the data area: item i at offsets[i], 8 bytes for an
//	               int, float, bool or None, and for a str or bytes its
//	               capacity, its encoded length rounded up to the next
//	               multiple of 8
//	  + offsets[n] n struct formats of 8 bytes, NUL-padded: "q", "d",
//	               "xxxxxxx?" (bool), "xxxxxx?x" (None), "<capacity>s"
//	  + 8*n        n int8 codes: 0 the value as unpacked, 1 str (UTF-8,
//	               trailing NULs stripped), 2 bytes (the same), 3 None

const (
	fmtInt   = "q"
	fmtFloat = "d"
	fmtBool  = "xxxxxxx?"
	fmtNone  = "xxxxxx?x"

	codePlain = 0
	codeStr   = 1
	codeBytes = 2
	codeNone  = 3

	align = 8 // Python's _alignment
	// maxCapacity is the largest str/bytes capacity whose format,
	// "<capacity>s", fits the 8 bytes Python gives a format.
	maxCapacity = 9999992
)

var order = binary.NativeEndian

// item is a value ready to be packed.
type item struct {
	format string // "" for a str or bytes, whose format depends on its slot
	code   int8
	data   []byte // 8 bytes, or a str's or bytes' own bytes (unpadded)
}

func (it item) isSeq() bool { return it.format == "" }

// slot is the room a new list gives it: a str's or bytes' capacity.
func (it item) slot() int {
	if it.isSeq() {
		return align * (len(it.data)/align + 1)
	}
	return align
}

// encode checks v and packs it. A nonzero capacity is the room of the
// item v goes to (Set); zero means v makes a new item.
func encode(v any, capacity int) (item, error) {
	word := func(format string, u uint64) item {
		it := item{format: format, data: make([]byte, 8)}
		order.PutUint64(it.data, u)
		return it
	}
	switch v := v.(type) {
	case nil:
		return item{format: fmtNone, code: codeNone, data: make([]byte, 8)}, nil
	case bool:
		it := item{format: fmtBool, data: make([]byte, 8)}
		if v {
			it.data[7] = 1
		}
		return it, nil
	case int:
		return word(fmtInt, uint64(v)), nil
	case int8:
		return word(fmtInt, uint64(v)), nil
	case int16:
		return word(fmtInt, uint64(v)), nil
	case int32:
		return word(fmtInt, uint64(v)), nil
	case int64:
		return word(fmtInt, uint64(v)), nil
	case uint8:
		return word(fmtInt, uint64(v)), nil
	case uint16:
		return word(fmtInt, uint64(v)), nil
	case uint32:
		return word(fmtInt, uint64(v)), nil
	case uint:
		return encodeUint(uint64(v))
	case uint64:
		return encodeUint(v)
	case uintptr:
		return encodeUint(uint64(v))
	case float32:
		return word(fmtFloat, math.Float64bits(float64(v))), nil
	case float64:
		return word(fmtFloat, math.Float64bits(v)), nil
	case string:
		if !utf8.ValidString(v) {
			return item{}, fmt.Errorf("%w: a string that is not UTF-8 (Python could not decode it; use []byte)", ErrItemType)
		}
		return encodeSeq(item{code: codeStr, data: []byte(v)}, capacity)
	case []byte:
		return encodeSeq(item{code: codeBytes, data: bytes.Clone(v)}, capacity)
	}
	return item{}, fmt.Errorf("%w: %T (want int64, float64, bool, nil, string or []byte)", ErrItemType, v)
}

func encodeUint(u uint64) (item, error) {
	if u > math.MaxInt64 {
		return item{}, fmt.Errorf("%w: %d is beyond int64", ErrItemType, u)
	}
	it := item{format: fmtInt, data: make([]byte, 8)}
	order.PutUint64(it.data, u)
	return it, nil
}

func encodeSeq(it item, capacity int) (item, error) {
	n := len(it.data)
	switch {
	case n > 0 && it.data[n-1] == 0:
		return item{}, fmt.Errorf("%w: it ends in a NUL byte, which Python strips when reading", ErrItemType)
	case capacity == 0 && it.slot() > maxCapacity:
		return item{}, fmt.Errorf("%w: %d bytes; an item holds at most %d", ErrCapacity, n, maxCapacity-1)
	case capacity > 0 && n > capacity:
		return item{}, fmt.Errorf("%w: %d bytes into an item of %d", ErrCapacity, n, capacity)
	}
	return it, nil
}

// layout is where a list's parts are, read once: Python never moves them.
type layout struct {
	n       int
	offsets []int // n+1, in the data area
	data    int   // where the data area starts
	formats int
	codes   int
}

func (lay layout) capacity(p int) int { return lay.offsets[p+1] - lay.offsets[p] }

// newLayout lays out a new list of items and returns its size in bytes.
func newLayout(items []item) (layout, int64, error) {
	n := len(items)
	lay := layout{n: n, offsets: make([]int, n+1), data: 8 * (n + 2)}
	for i, it := range items {
		lay.offsets[i+1] = lay.offsets[i] + it.slot()
		if lay.offsets[i+1] > math.MaxInt32 {
			return layout{}, 0, fmt.Errorf("%w: the items' capacities pass 2 GiB", ErrCapacity)
		}
	}
	lay.formats = lay.data + lay.offsets[n]
	lay.codes = lay.formats + 8*n
	return lay, int64(lay.codes + n), nil
}

// readLayout reads and checks the header of the list in m.
func readLayout(m *mmap.Map) (layout, error) {
	size := m.Len()
	if size < 16 {
		return layout{}, fmt.Errorf("%w: a %d-byte segment is too small for a list", ErrLayout, size)
	}
	var w [8]byte
	if _, err := m.ReadAt(w[:], 0); err != nil {
		return layout{}, fmt.Errorf("%w: %d-byte segment: %w", ErrLayout, size, err)
	}
	// Each item takes at least 8 bytes of offset, 8 of data, 8 of format
	// and 1 of code, beyond the 16 bytes of count and first offset.
	n64 := int64(order.Uint64(w[:]))
	if n64 < 0 || n64 > int64(size-16)/25 {
		return layout{}, fmt.Errorf("%w: %d items cannot fit in %d bytes", ErrLayout, n64, size)
	}
	n := int(n64)
	raw := make([]byte, 8*(n+1))
	if _, err := m.ReadAt(raw, 8); err != nil {
		return layout{}, err
	}
	lay := layout{n: n, offsets: make([]int, n+1), data: 8 * (n + 2)}
	for i := range lay.offsets {
		off := int64(order.Uint64(raw[8*i:]))
		switch {
		case i == 0 && off != 0:
			return layout{}, fmt.Errorf("%w: the first offset is %d, not 0", ErrLayout, off)
		case i > 0 && (off-int64(lay.offsets[i-1]) < align || off%align != 0 || off > int64(size)):
			return layout{}, fmt.Errorf("%w: offset %d of item %d", ErrLayout, off, i)
		}
		lay.offsets[i] = int(off)
	}
	lay.formats = lay.data + lay.offsets[n]
	lay.codes = lay.formats + 8*n
	if int64(lay.codes)+int64(n) > int64(size) {
		return layout{}, fmt.Errorf("%w: %d items with %d bytes of data need more than the %d-byte segment", ErrLayout, n, lay.offsets[n], size)
	}
	return lay, nil
}

// writeAll writes a new list of items.
func (lay layout) writeAll(m *mmap.Map, items []item) error {
	buf := make([]byte, lay.codes+lay.n)
	order.PutUint64(buf, uint64(lay.n))
	for i, off := range lay.offsets {
		order.PutUint64(buf[8*(i+1):], uint64(off))
	}
	for i, it := range items {
		copy(buf[lay.data+lay.offsets[i]:], it.data)
		f := it.format
		if it.isSeq() {
			f = strconv.Itoa(lay.capacity(i)) + "s"
		}
		copy(buf[lay.formats+8*i:], f)
		buf[lay.codes+i] = byte(it.code)
	}
	_, err := m.WriteAt(buf, 0)
	return err
}

// readItem reads item p's format, trailing NULs stripped, code and slot.
func (lay layout) readItem(m *mmap.Map, p int) (format string, code int8, data []byte, err error) {
	var f [8]byte
	var c [1]byte
	data = make([]byte, lay.capacity(p))
	if _, err = m.ReadAt(f[:], int64(lay.formats+8*p)); err != nil {
		return
	}
	if _, err = m.ReadAt(c[:], int64(lay.codes+p)); err != nil {
		return
	}
	_, err = m.ReadAt(data, int64(lay.data+lay.offsets[p]))
	return string(bytes.TrimRight(f[:], "\x00")), int8(c[0]), data, err
}

// seqFormat parses a "<N>s" format of an item with room for capacity
// bytes; ok is false for any other format.
func seqFormat(f string, capacity int) (n int, ok bool, err error) {
	if len(f) < 2 || f[len(f)-1] != 's' {
		return 0, false, nil
	}
	n, perr := strconv.Atoi(f[:len(f)-1])
	if perr != nil || n < 1 || n > capacity || f[0] == '+' || f[0] == '0' {
		return 0, false, fmt.Errorf("%w: format %q in an item of %d bytes", ErrLayout, f, capacity)
	}
	return n, true, nil
}

func (lay layout) get(m *mmap.Map, p int) (any, error) {
	f, code, data, err := lay.readItem(m, p)
	if err != nil {
		return nil, err
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("%w: item %d has format %q with code %d", ErrLayout, p, f, code)
	}
	n, isSeq, err := seqFormat(f, len(data))
	if err != nil {
		return nil, err
	}
	switch {
	case isSeq && code == codeStr:
		s := bytes.TrimRight(data[:n], "\x00")
		if !utf8.Valid(s) {
			return nil, fmt.Errorf("%w: item %d is a str that is not UTF-8", ErrLayout, p)
		}
		return string(s), nil
	case isSeq && code == codeBytes:
		return bytes.TrimRight(data[:n], "\x00"), nil
	case f == fmtNone && code == codeNone:
		return nil, nil
	case code != codePlain:
		return bad()
	case f == fmtInt:
		return int64(order.Uint64(data)), nil
	case f == fmtFloat:
		return math.Float64frombits(order.Uint64(data)), nil
	case f == fmtBool:
		return data[7] != 0, nil
	}
	return bad()
}

// set writes it as item p, with the format Python's __setitem__ chooses:
// a str or bytes keeps the item's "<N>s" format if it has one, and takes
// "<capacity>s" otherwise.
func (lay layout) set(m *mmap.Map, p int, it item) error {
	f, data := it.format, it.data
	if it.isSeq() {
		cur, _, _, err := lay.readItem(m, p)
		if err != nil {
			return err
		}
		room := lay.capacity(p)
		n, isSeq, err := seqFormat(cur, room)
		if err != nil {
			return err
		}
		if !isSeq {
			n = room
		}
		if len(data) > n {
			return fmt.Errorf("%w: %d bytes into an item of %d", ErrCapacity, len(data), n)
		}
		f = strconv.Itoa(n) + "s"
		data = append(data, make([]byte, n-len(data))...)
	}
	var fb [8]byte
	copy(fb[:], f)
	if _, err := m.WriteAt(data, int64(lay.data+lay.offsets[p])); err != nil {
		return err
	}
	if _, err := m.WriteAt(fb[:], int64(lay.formats+8*p)); err != nil {
		return err
	}
	_, err := m.WriteAt([]byte{byte(it.code)}, int64(lay.codes+p))
	return err
}

// format returns every item's format joined.
func (lay layout) format(m *mmap.Map) (string, error) {
	raw := make([]byte, 8*lay.n)
	if _, err := m.ReadAt(raw, int64(lay.formats)); err != nil {
		return "", err
	}
	var b []byte
	for i := range lay.n {
		b = append(b, bytes.TrimRight(raw[8*i:8*i+8], "\x00")...)
	}
	return string(b), nil
}
