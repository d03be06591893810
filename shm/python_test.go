package shm_test

import (
	"bytes"
	"encoding/binary"
	"os/exec"
	"runtime"
	"testing"
)

// python runs script with python3 -c, after a prelude that defines
// attach(name, **kw) for a SharedMemory and attach_list(name, seq=None)
// for a ShareableList, both unregistered from Python's resource tracker,
// which before 3.13 unlinks at exit every segment a process merely
// attached. It skips the test without python3, or off Linux, where Go's
// and Python's namespaces are not known to agree.
func python(t *testing.T, script string, args ...string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("Go and Python share the /dev/shm namespace on Linux")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	// A ShareableList is in native byte order: a Go binary emulated on
	// another byte order (s390x under qemu-user) and the host's python3
	// do not share one, as two programs on one real machine always do.
	order, err := exec.Command(py, "-c", "import sys; print(sys.byteorder)").Output()
	goOrder := map[bool]string{true: "little", false: "big"}[binary.NativeEndian.Uint16([]byte{1, 0}) == 1]
	if err == nil && string(bytes.TrimSpace(order)) != goOrder {
		t.Skipf("python3 is %s-endian and this Go program %s-endian (emulated): no native byte order to share",
			bytes.TrimSpace(order), goOrder)
	}
	const prelude = `
import sys
from multiprocessing import shared_memory, resource_tracker
def untrack(m):
    resource_tracker.unregister(m._name, "shared_memory")
def attach(name, **kw):
    m = shared_memory.SharedMemory(name, **kw)
    untrack(m)
    return m
def attach_list(name, seq=None):
    sl = shared_memory.ShareableList(seq, name=name)
    untrack(sl.shm)
    return sl
`
	cmd := exec.Command(py, append([]string{"-c", prelude + script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("python: %v\n%s", err, stderr.Bytes())
	}
	return string(out)
}
