// Package platformtest lets the tests of the library, shm and the CLI skip,
// with a reason, what cannot apply where they run. Each check probes the
// property itself (truncate a mapped file and fault on it, pass bytes
// through a child's command line) rather than naming operating systems,
// so an emulator that lacks a property is found the same way as an OS
// that lacks it. The probes use the OS directly, never the library, so a
// bug in the library cannot make its own tests skip.
package platformtest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"sync"
	"testing"
	"unsafe"
)

// SkipUnlessTruncationFaults skips t unless a file can be truncated while
// it is mapped and a read of a page past the new end faults with the
// address of that page, which is what the library needs to turn the fault
// into a FaultError. Windows refuses the truncation (ERROR_USER_MAPPED_FILE);
// qemu-user 7.2 reports the SIGBUS at address 0 (arm64, ppc64) or at a
// garbled one (s390x), which no program can tell from a nil dereference.
func SkipUnlessTruncationFaults(t testing.TB) {
	t.Helper()
	if reason := truncationFaults(); reason != "" {
		t.Skip(reason)
	}
}

var truncationFaults = sync.OnceValue(func() string {
	reason, err := probeTruncationFault()
	if err != nil {
		return "cannot probe for truncation faults: " + err.Error()
	}
	return reason
})

// probeTruncationFault maps two pages of a new file, cuts the file to one
// page and reads the second page. It returns why the fault cannot be
// tested, or "".
func probeTruncationFault() (string, error) {
	page := os.Getpagesize()
	f, err := os.CreateTemp("", "platformtest-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Write(make([]byte, 2*page)); err != nil {
		return "", err
	}
	b, unmap, err := mapFile(f, 2*page)
	if err != nil {
		return "", err
	}
	defer unmap()
	if err := f.Truncate(int64(page)); err != nil {
		return fmt.Sprintf("this system does not truncate a mapped file (%v)", err), nil
	}
	want := uintptr(unsafe.Pointer(&b[page]))
	faulted, addr, hasAddr := readFault(&b[page])
	switch {
	case !faulted:
		return "a read past the end of a truncated mapped file does not fault here", nil
	case !hasAddr || addr != want:
		return fmt.Sprintf("this system reports the fault past a truncated mapped file's end at %#x, not at %#x "+
			"(as qemu-user 7.2 does), which cannot be told from a nil dereference", addr, want), nil
	}
	return "", nil
}

// sink is written, never read: the store keeps the compiler from dropping
// the load that must fault.
//
//lint:ignore U1000 written on purpose, see above
var sink byte

// readFault reads *p with faults turned into panics and reports whether it
// faulted and at which address, if the fault has one.
func readFault(p *byte) (faulted bool, addr uintptr, hasAddr bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		faulted = true
		if f, ok := r.(interface{ Addr() uintptr }); ok {
			addr, hasAddr = f.Addr(), true
		}
	}()
	sink = *p
	return false, 0, false
}

// echoArgsEnv makes a test binary that imports this package print its
// arguments in hex and exit, before any test or TestMain runs.
const echoArgsEnv = "MMAPKIT_PLATFORMTEST_ECHO_ARGS"

func init() {
	if os.Getenv(echoArgsEnv) != "1" {
		return
	}
	for _, a := range os.Args[1:] {
		fmt.Println(hex.EncodeToString([]byte(a)))
	}
	os.Exit(0)
}

// ArgsCarryBytes reports whether a child process receives command-line
// arguments byte for byte, invalid UTF-8 included, and if not, why. Windows
// passes the command line as UTF-16, so such bytes arrive as U+FFFD.
func ArgsCarryBytes() (ok bool, reason string) {
	r := argsCarryBytes()
	return r == "", r
}

var argsCarryBytes = sync.OnceValue(func() string {
	arg := "a\xff\xfeb"
	cmd := exec.Command(os.Args[0], arg)
	cmd.Env = append(os.Environ(), echoArgsEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		return "cannot start a child process to probe its arguments: " + err.Error()
	}
	got, err := hex.DecodeString(string(bytes.TrimSpace(out)))
	if err != nil || string(got) != arg {
		return fmt.Sprintf("command-line arguments are not bytes here: %q arrived as %q", arg, got)
	}
	return ""
})

// SkipUnlessMadvise skips t where the OS has no madvise (Windows), and
// Advise returns errors.ErrUnsupported as documented.
func SkipUnlessMadvise(t testing.TB) {
	t.Helper()
	if !hasMadvise {
		t.Skip("this OS has no madvise: Advise returns errors.ErrUnsupported (TestAdviseWithoutMadvise)")
	}
}

// HasMadvise reports whether the OS has madvise.
func HasMadvise() bool { return hasMadvise }

// SkipUnlessSharedMemoryGrows skips t where shared memory has a fixed size
// (Windows: a pagefile-backed section), so Resize and growing writes of a
// Shared map return errors.ErrUnsupported as documented.
func SkipUnlessSharedMemoryGrows(t testing.TB) {
	t.Helper()
	if !sharedGrows {
		t.Skip("shared memory has a fixed size here (a pagefile-backed section): growing it is errors.ErrUnsupported")
	}
}
