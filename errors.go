package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strconv"
)

// The error model, as package os has one: every error a function of this
// package returns is one of three types, and wraps one of the sentinels
// below, fs.ErrClosed, fs.ErrInvalid, fs.ErrPermission, or an
// operating-system error, so that callers can test it with errors.Is:
//
//   - *fs.PathError from the functions that take a path or a file (Open,
//     OpenFile, MapFile, FindInFile, CountInFile, ReplaceFile ...), with the
//     path, as os.Open returns;
//   - *OpError from a method of a Map: the method and the cause;
//   - *FaultError from any of them when mapped memory could not be read or
//     written.
//
// The sentinels' own texts carry no "mmap: " prefix: the error around them
// names the package once.
var (
	// ErrReadOnly is returned by methods that would modify a ReadOnly map,
	// or resize a map whose changes never reach a file (CopyOnWrite).
	ErrReadOnly = errors.New("map is read-only")

	// ErrRange is returned when an offset, length, position or count falls
	// outside the map or the file, or does not fit in an int. Writing past
	// the end of a map is an ErrRange error, never a short write, unless the
	// map was opened WithGrow.
	ErrRange = errors.New("out of range")

	// ErrNotMappable is returned for files that cannot be memory-mapped:
	// directories, FIFOs, sockets, and pseudo files such as those in /proc
	// whose size reads as zero.
	ErrNotMappable = errors.New("file cannot be memory-mapped")

	// ErrFault is wrapped by a *FaultError when mapped memory could not be
	// read or written: an I/O error beneath the map, or a file that shrank.
	ErrFault = errors.New("memory fault")

	// ErrTruncated is wrapped by a *FaultError when the memory fault came
	// from a file that is now shorter than the map: another process
	// truncated it.
	ErrTruncated = errors.New("file truncated under the map")
)

// OpError is the error of a Map method that failed for a reason other than
// a memory fault: the method, and the cause, which wraps fs.ErrClosed (the
// Map was closed), fs.ErrInvalid (a nil or zero Map, or a bad argument),
// ErrRange, ErrReadOnly or an operating-system error. It is to a Map what
// *fs.PathError is to an *os.File.
type OpError struct {
	Op  string // the method, such as "find" or "resize"
	Err error
}

// Error returns "mmap: op: cause".
func (e *OpError) Error() string { return "mmap: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns e.Err, for errors.Is and errors.As.
func (e *OpError) Unwrap() error { return e.Err }

// FaultError reports a memory fault (SIGBUS or SIGSEGV on Unix,
// EXCEPTION_IN_PAGE_ERROR on Windows) caught while one of this package's
// methods, or a Guard callback, touched mapped memory.
//
// Err is ErrTruncated when a fresh look at the file shows it is now shorter
// than the map, and ErrFault otherwise. Bytes before Offset were read or
// written; the byte at Offset was not.
//
// Faults come in whole pages: after a truncation, the first page wholly
// past the new end of file faults, so Offset is a page boundary; for
// Flush, Advise and Lock, which ask the file instead, it is the new end,
// or the start of the range asked for when that is later. The
// bytes between the new end and the end of its page, at most PageSize()-1,
// stay mapped: the kernel reads them as zeros and takes writes there
// without a fault, so ReadAt and WriteAt count them as done, but what is
// written there never reaches the file; Flush of that range reports
// ErrTruncated.
type FaultError struct {
	Op     string  // the method that faulted, such as "read" or "find"
	Offset int64   // offset in the map of the first byte not accessed
	Addr   uintptr // the faulting address the runtime reported; 0 when a system call, not the CPU, met the missing memory (Flush, or WriteTo an *os.File)
	Err    error   // ErrTruncated or ErrFault
}

// Error returns a one-line message: the method, the offset, and the cause.
func (e *FaultError) Error() string {
	return "mmap: " + e.Op + " at offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Err.Error()
}

// Unwrap returns e.Err, so that errors.Is(err, ErrTruncated) and
// errors.Is(err, ErrFault) work.
func (e *FaultError) Unwrap() error { return e.Err }

// Is reports that every FaultError is an ErrFault, including the ones whose
// Err is the more specific ErrTruncated.
func (e *FaultError) Is(target error) bool { return target == ErrFault }

// opError is the error of method op: err itself when it is a *FaultError
// (which names the method already), else an *OpError.
func opError(op string, err error) error {
	if _, ok := err.(*FaultError); ok {
		return err
	}
	return &OpError{Op: op, Err: err}
}

// rangeErr is an ErrRange with the numbers that caused it.
func rangeErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRange}, args...)...)
}

// nilArg returns the cause for a nil argument what (a nil interface, or
// one holding a nil pointer or func), or nil.
func nilArg(what string, v any) error {
	if v == nil {
		return fmt.Errorf("%w: nil %s", fs.ErrInvalid, what)
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Interface:
		if r.IsNil() {
			return fmt.Errorf("%w: nil %s", fs.ErrInvalid, what)
		}
	}
	return nil
}

// errNilMap is the cause for every method called on a nil or zero Map, as
// os.File has one for a nil *File.
var errNilMap = fmt.Errorf("nil or zero Map: %w", fs.ErrInvalid)
