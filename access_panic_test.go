package mmap_test

import (
	"testing"
	"time"
	"unsafe"

	"github.com/mmapkit/mmap"
)

// A panic that is not a fault of the map (here a nil buffer passed to
// ReadAt or WriteAt) passes through, and the Map is not left read-locked:
// Close must not wait forever afterwards. Under qemu-user, whose SIGBUS
// has no address, every truncation fault took this path and hung.
func TestPanicThroughAccessUnlocks(t *testing.T) {
	// A slice of 10 bytes at address 0 (unsafe.Slice refuses to make one).
	var nilBuf []byte
	hdr := (*struct{ ptr, len, cap uintptr })(unsafe.Pointer(&nilBuf))
	hdr.len, hdr.cap = 10, 10
	for _, tc := range []struct {
		name string
		call func(m *mmap.Map)
	}{
		{"ReadAt", func(m *mmap.Map) { m.ReadAt(nilBuf, 0) }},
		{"WriteAt", func(m *mmap.Map) { m.WriteAt(nilBuf, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Not mustOpen: its cleanup would wait on the leaked lock too.
			m, err := mmap.OpenFile(writeFile(t, pattern(100)), mmap.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s of a nil buffer did not panic", tc.name)
					}
				}()
				tc.call(m)
			}()
			closed := make(chan error, 1)
			go func() { closed <- m.Close() }()
			select {
			case err := <-closed:
				if err != nil {
					t.Fatalf("Close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Close still waits 10 s after %s panicked: the read lock leaked", tc.name)
			}
		})
	}
}
