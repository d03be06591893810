package mmap

import (
	"fmt"
	"io/fs"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Typed views of mapped memory.
//
// View, SliceOf and the Atomic functions return Go pointers into the
// mapping, without copying, for sharing structured data and counters with
// other processes (Shared, shm) or for reading fixed layouts from files.
// What they return is valid until the Map is closed or resized, exactly
// like the slice from Bytes: using it afterwards is undefined behaviour
// this package cannot catch, and so are accesses to a file-backed map whose
// file another process truncated (Linux Shared memory is sealed against
// that), and writes through a view of a ReadOnly map. Only pointer-free
// types may live in mapped memory: the garbage collector does not scan it,
// and another process would see meaningless addresses; View and SliceOf
// refuse other types.
//
// The sync/atomic operations work across processes on the same machine
// because they are plain CPU instructions on shared memory.

// AtomicUint64 returns the 8 bytes at offset off as an *atomic.Uint64.
// off must leave the word inside the map, and the word's address must be
// 8-aligned (a multiple of 8 from the start of a Shared map or a whole-file
// map); otherwise the error matches ErrRange. See View for the lifetime.
// Errors are *OpError values.
func AtomicUint64(m *Map, off int) (*atomic.Uint64, error) {
	return View[atomic.Uint64](m, off)
}

// AtomicInt64 is AtomicUint64 for an *atomic.Int64.
// Errors are *OpError values.
func AtomicInt64(m *Map, off int) (*atomic.Int64, error) {
	return View[atomic.Int64](m, off)
}

// AtomicUint32 returns the 4 bytes at offset off, which must be 4-aligned,
// as an *atomic.Uint32.
// Errors are *OpError values.
func AtomicUint32(m *Map, off int) (*atomic.Uint32, error) {
	return View[atomic.Uint32](m, off)
}

// AtomicInt32 is AtomicUint32 for an *atomic.Int32.
// Errors are *OpError values.
func AtomicInt32(m *Map, off int) (*atomic.Int32, error) {
	return View[atomic.Int32](m, off)
}

// View returns the bytes at offset off as a *T, without copying, so that
// a struct can live in shared memory or be read in place from a file. T
// must hold no Go pointers: pointers, unsafe.Pointer, slices, strings,
// maps, channels, functions and interfaces, also nested in arrays and
// structs, give an error matching fs.ErrInvalid. The value must lie inside
// the map and its address be aligned for T (ErrRange otherwise); mapped
// memory starts page-aligned, so offsets that are multiples of T's
// alignment are aligned in Shared maps and maps of a file from offset 0.
//
// The pointer is valid until Close or Resize, and the bytes are in the
// machine's native layout and byte order. Concurrent access from several
// processes or goroutines needs the sync/atomic types (see AtomicUint64)
// or a lock of your own.
// Errors are *OpError values.
func View[T any](m *Map, off int) (*T, error) {
	p, err := view(m, reflect.TypeFor[T](), off, 1)
	if err != nil {
		return nil, err
	}
	return (*T)(p), nil
}

// SliceOf returns the n values of type T starting at offset off as a []T,
// without copying, with View's rules for T, bounds, alignment and lifetime.
// Errors are *OpError values.
func SliceOf[T any](m *Map, off, n int) ([]T, error) {
	if n < 0 {
		return nil, opError("view", rangeErr("negative count %d", n))
	}
	p, err := view(m, reflect.TypeFor[T](), off, n)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return []T{}, nil
	}
	return unsafe.Slice((*T)(p), n), nil
}

// view checks that n values of type t fit at offset off of m, aligned,
// and returns their address.
func view(m *Map, t reflect.Type, off, n int) (unsafe.Pointer, error) {
	if err := pointerFree(t); err != nil {
		return nil, opError("view", err)
	}
	if err := m.enter("view"); err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	size := int(t.Size())
	if off < 0 || off > len(m.data) || size != 0 && n > (len(m.data)-off)/size {
		return nil, opError("view", rangeErr("%d × %v (%d bytes each) at offset %d of a %d-byte map", n, t, size, off, len(m.data)))
	}
	if off == len(m.data) { // no bytes: size or n is 0
		return unsafe.Pointer(&zeroSized), nil
	}
	p := unsafe.Pointer(&m.data[off])
	if a := uintptr(t.Align()); uintptr(p)%a != 0 {
		return nil, opError("view", rangeErr("%v at offset %d is not %d-byte aligned", t, off, a))
	}
	return p, nil
}

// zeroSized is where views of no bytes at the end of a map point.
var zeroSized [0]uint64

// pointerFreeTypes caches pointerFree's verdicts: reflect.Type → error (nil
// for a good type).
var pointerFreeTypes sync.Map

// pointerFree reports, as an fs.ErrInvalid error, whether t holds Go
// pointers anywhere, which must never be stored in mapped memory.
func pointerFree(t reflect.Type) error {
	if v, ok := pointerFreeTypes.Load(t); ok {
		if v == nil {
			return nil
		}
		return v.(error)
	}
	var err error
	if path := pointerPath(t, ""); path != "" {
		err = fmt.Errorf("%w: %v holds Go pointers (%s) and cannot live in mapped memory", fs.ErrInvalid, t, path)
	}
	pointerFreeTypes.Store(t, err)
	return err
}

// pointerPath returns where in t the first pointer is, as "field.x [2]
// string", or "" when t is pointer-free.
func pointerPath(t reflect.Type, at string) string {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	case reflect.Array:
		return pointerPath(t.Elem(), at+"["+fmt.Sprint(t.Len())+"]")
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if p := pointerPath(f.Type, at+"."+f.Name); p != "" {
				return p
			}
		}
		return ""
	}
	if at == "" {
		return t.Kind().String()
	}
	return at + " " + t.Kind().String()
}
