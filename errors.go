package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Errors returned by this package. Every error a method returns wraps one of
// these, fs.ErrClosed, fs.ErrInvalid, or an operating-system error, so that
// callers can test it with errors.Is; memory faults are *FaultError values
// that callers can also take apart with errors.As.
var (
	// ErrReadOnly is returned by methods that would modify a ReadOnly map,
	// or resize a map whose changes never reach a file (CopyOnWrite).
	ErrReadOnly = errors.New("mmap: map is read-only")

	// ErrRange is returned when an offset, length, position or count falls
	// outside the map or the file, or does not fit in an int. Writing past
	// the end of a map is an ErrRange error, never a short write, unless the
	// map was opened WithGrow.
	ErrRange = errors.New("mmap: out of range")

	// ErrNotMappable is returned for files that cannot be memory-mapped:
	// directories, FIFOs, sockets, and pseudo files such as those in /proc
	// whose size reads as zero.
	ErrNotMappable = errors.New("mmap: file cannot be memory-mapped")

	// ErrFault is wrapped by a *FaultError when mapped memory could not be
	// read or written: an I/O error beneath the map, or a file that shrank.
	ErrFault = errors.New("mmap: memory fault")

	// ErrTruncated is wrapped by a *FaultError when the memory fault came
	// from a file that is now shorter than the map: another process
	// truncated it.
	ErrTruncated = errors.New("mmap: file truncated under the map")
)

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
// bytes between the new end and the end of its page, at most PageSize-1,
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
	return "mmap: " + e.Op + " at offset " + strconv.FormatInt(e.Offset, 10) + ": " + errText(e.Err)
}

// Unwrap returns e.Err, so that errors.Is(err, ErrTruncated) and
// errors.Is(err, ErrFault) work.
func (e *FaultError) Unwrap() error { return e.Err }

// Is reports that every FaultError is an ErrFault, including the ones whose
// Err is the more specific ErrTruncated.
func (e *FaultError) Is(target error) bool { return target == ErrFault }

// errText strips the package prefix from a sentinel error so messages do not
// read "mmap: ...: mmap: ...".
func errText(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "mmap: " {
		return s[6:]
	}
	return s
}

// opError describes a failed method call: "mmap: op: reason", wrapping err.
func opError(op string, err error) error {
	return &opErr{op: op, err: err}
}

type opErr struct {
	op  string
	err error
}

func (e *opErr) Error() string { return "mmap: " + e.op + ": " + errText(e.err) }
func (e *opErr) Unwrap() error { return e.err }

// rangeErr is an ErrRange with the numbers that caused it.
func rangeErr(format string, args ...any) error {
	return wrapf("%w: "+format, append([]any{ErrRange}, args...)...)
}

// wrapf is fmt.Errorf for messages that wrap this package's sentinel
// errors, less the sentinels' "mmap: " prefix: the *fs.PathError or method
// error around the message names the package already, and "mmap: mmap
// /tmp: mmap: out of range" says it three times.
func wrapf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &wrapped{msg: strings.ReplaceAll(err.Error(), "mmap: ", ""), err: err}
}

type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }

// errNilMap is returned by every method called on a nil or zero Map, as
// os.File does for a nil *File.
var errNilMap = fmt.Errorf("mmap: nil Map: %w", fs.ErrInvalid)
