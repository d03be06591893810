package mmap

import (
	"os"
	"path/filepath"
	"testing"
)

// platforms.md: At, ReadAt and WriteAt re-panic a panic that is not a
// fault of the mapping (qemu reports a truncated file's SIGBUS at address
// 0, which the runtime makes a nil dereference); they must unlock the Map
// first, or every later Close and Resize waits forever.
func TestAccessRepanicUnlocks(t *testing.T) {
	calls := map[string]func(m *Map){
		"At":      func(m *Map) { m.At(pageSize) },
		"ReadAt":  func(m *Map) { m.ReadAt(make([]byte, 4), int64(pageSize)) },
		"WriteAt": func(m *Map) { m.WriteAt([]byte("x"), int64(pageSize)) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, make([]byte, 2*pageSize), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := OpenFile(p, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := os.Truncate(p, 0); err != nil {
				t.Fatal(err)
			}
			saved := faultAddr
			faultAddr = func(any) (uintptr, bool) { return 0, false } // as on qemu
			defer func() { faultAddr = saved }()
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic", name)
					}
				}()
				call(m)
			}()
			if !m.mu.TryLock() {
				m.mu.RUnlock() // so that the deferred Close can end the test
				t.Fatalf("%s left the Map read-locked after re-panicking", name)
			}
			m.mu.Unlock()
		})
	}
}
