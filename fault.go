package mmap

import (
	"runtime"
	"runtime/debug"
)

// guard runs fn, which touches the mapping starting at map offset off, and
// turns a memory fault inside it into a *FaultError instead of a dead
// process. It must be called with m.mu held.
//
// debug.SetPanicOnFault is per goroutine, so the caller's own setting is put
// back afterwards; panics that are not memory faults are passed on untouched.
func (m *Map) guard(op string, off int, fn func()) error {
	return m.guardCaller(op, off, fn, false)
}

// guardCaller is guard for fn that runs the caller's code too (Guard,
// WriteTo): with strict set, only faults inside the mapping are caught, so
// that a nil dereference in the caller's code still panics.
func (m *Map) guardCaller(op string, off int, fn func(), strict bool) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			err = m.faultError(op, off, r, strict)
		}
	}()
	fn()
	return nil
}

// faultError builds the *FaultError for a recovered panic r, or re-panics
// when r is not a memory fault. When strict is set, the fault must also lie
// inside this map: a nil dereference in a Guard callback is the caller's
// bug, not a truncated file.
func (m *Map) faultError(op string, off int, r any, strict bool) error {
	f, ok := r.(interface {
		runtime.Error
		Addr() uintptr
	})
	if !ok {
		panic(r)
	}
	addr := f.Addr()
	base := uintptr(0)
	if len(m.data) > 0 {
		base = uintptr(unsafePointer(m.data))
	}
	inside := len(m.data) > 0 && addr >= base && addr < base+uintptr(len(m.data))
	if strict && !inside {
		panic(r)
	}
	if inside {
		off = int(addr - base)
	}
	e := &FaultError{Op: op, Offset: int64(off), Addr: addr, Err: ErrFault}
	if m.shrunk() {
		e.Err = ErrTruncated
	}
	return e
}

// shrunk reports whether the file is now shorter than the map.
func (m *Map) shrunk() bool {
	if m.res.file == nil {
		return false
	}
	fi, err := m.res.file.Stat()
	return err == nil && fi.Size() < m.off+int64(len(m.data))
}

// copyGuarded copies src, which starts at map offset off, into dst, and
// reports exactly how many bytes it copied before a fault: the runtime does
// not say how far copy got, so after a fault at offset f the copy is done
// again up to f, until it succeeds.
func (m *Map) copyGuarded(op string, dst, src []byte, off int) (int, error) {
	n := min(len(dst), len(src))
	var fault *FaultError
	for {
		err := m.guard(op, off, func() { copy(dst[:n], src[:n]) })
		if err == nil {
			if fault != nil {
				fault.Offset = int64(off + n)
				return n, fault
			}
			return n, nil
		}
		fault = err.(*FaultError)
		got := int(fault.Offset) - off
		if got <= 0 || got >= n { // at the start, or nowhere this copy reads
			fault.Offset = int64(off)
			return 0, fault
		}
		n = got
	}
}

// Guard calls fn with the mapped memory and returns what fn returns, or a
// *FaultError if fn faulted on the mapping because the file was truncated or
// could not be read. The slice is valid only during the call. Guard holds
// the Map open: Close and Resize wait until fn returns, so fn must not call
// them. Faults outside the mapping, and other panics, are not caught.
func (m *Map) Guard(fn func(b []byte) error) (err error) {
	if err := m.rlock(); err != nil {
		return opError("guard", err)
	}
	defer m.mu.RUnlock()
	if gerr := m.guardCaller("guard", 0, func() { err = fn(m.data) }, true); gerr != nil {
		return gerr
	}
	return err
}
