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
	addr, ok := faultAddr(r)
	if !ok {
		panic(r)
	}
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

// faultAddr returns the address of the memory fault r, a recovered panic,
// or false when r is not a memory fault. Tests replace it to reach the
// path where a method re-panics.
var faultAddr = func(r any) (uintptr, bool) {
	f, ok := r.(interface {
		runtime.Error
		Addr() uintptr
	})
	if !ok {
		return 0, false
	}
	return f.Addr(), true
}

// shrunk reports whether the file is now shorter than the map.
func (m *Map) shrunk() bool {
	_, cut := m.fileEndsBefore(len(m.data))
	return cut
}

// fileEndsBefore reports whether the file now ends before map offset end,
// and if so at which map offset (0 when it ends before the map begins).
func (m *Map) fileEndsBefore(end int) (int, bool) {
	if m.res.file == nil {
		return 0, false
	}
	fi, err := m.res.file.Stat()
	// A device (/dev/zero) reports size 0 whatever it holds: only a regular
	// file's size says where its pages end.
	if err != nil || !fi.Mode().IsRegular() || fi.Size() >= m.off+int64(end) {
		return 0, false
	}
	return int(max(fi.Size()-m.off, 0)), true
}

// kernelFault is the *FaultError for a system call that met mapped memory
// it could not read (EFAULT) at map offset off, where a method touching the
// memory itself would have faulted.
func (m *Map) kernelFault(op string, off int) *FaultError {
	e := &FaultError{Op: op, Offset: int64(off), Err: ErrFault}
	if m.shrunk() {
		e.Err = ErrTruncated
	}
	return e
}

// sysFault turns the error of a system call that touched the map's pages
// at [off, ...) (madvise populate, mlock) into the *FaultError a method
// touching the memory itself would give, when the file now ends before
// the map does: the kernel says EFAULT or ENOMEM there, which tells the
// caller nothing. Other errors are returned as they are.
func (m *Map) sysFault(op string, off int, err error) error {
	if err == nil {
		return nil
	}
	if cut, ok := m.fileEndsBefore(len(m.data)); ok {
		return &FaultError{Op: op, Offset: int64(max(cut, off)), Err: ErrTruncated}
	}
	if kindOf(err) == errBadAddress {
		return m.kernelFault(op, off)
	}
	return err
}

// copyGuarded copies src into dst, one of which is the map from offset off
// on, and reports exactly how many bytes it copied before a fault: the
// runtime does not say how far copy got, so after a fault the copy is done
// again up to the first page that faults, until it succeeds.
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
		// memmove touches the end of a long range before its middle, so
		// the fault may lie far past the first page that faults: stepping
		// back from it would take a fault per few bytes.
		n = m.firstFaultingPage(op, off, off+got) - off
	}
}

// firstFaultingPage returns the map offset, clamped to at least from, of
// the first page in [from, to] that cannot be read, where the page holding
// to is known to fault. It probes one byte a page by bisection, as a file
// cut short faults on every page past its new end; the caller's retry
// catches pages that fault out of order.
func (m *Map) firstFaultingPage(op string, from, to int) int {
	base := int(uintptr(unsafePointer(m.data))) % pageSize // data[0]'s offset in its page
	pageOf := func(x int) int { return (x + base) / pageSize }
	start := func(p int) int { return max(p*pageSize-base, from) }
	lo, hi := pageOf(from)-1, pageOf(to) // lo: last page known readable; hi: first known to fault
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		var sink byte
		if m.guard(op, start(mid), func() { sink = m.data[start(mid)] }) == nil {
			lo = mid
		} else {
			hi = mid
		}
		_ = sink
	}
	return start(hi)
}

// Guard calls fn with the mapped memory and returns what fn returns, or a
// *FaultError if fn faulted on the mapping because the file was truncated or
// could not be read. The slice is valid only during the call. Guard holds
// the Map open: Close and Resize wait until fn returns, so fn must not call
// them. Faults outside the mapping, and other panics, are not caught.
func (m *Map) Guard(fn func(b []byte) error) (err error) {
	if fn == nil {
		return opError("guard", nilArg("func", nil))
	}
	if err := m.enter("guard"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if gerr := m.guardCaller("guard", 0, func() { err = fn(m.data) }, true); gerr != nil {
		return gerr
	}
	return err
}
