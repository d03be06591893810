package mmap_test

import (
	"errors"
	"io/fs"
	"regexp"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// Issue 9 item 7: a method called inside a loop body or Guard callback,
// which holds the Map open, while another goroutine calls Close, returns
// fs.ErrClosed (or completes) instead of waiting for the Close that waits
// for it; Close returns once the outer call ends.
func TestNestedCallDuringClose(t *testing.T) {
	outer := map[string]func(m *mmap.Map, body func()){
		"FindAll": func(m *mmap.Map, body func()) {
			for range m.FindAll([]byte("a")) {
				body()
				break
			}
		},
		"Lines": func(m *mmap.Map, body func()) {
			for range m.Lines() {
				body()
				break
			}
		},
		"Matches": func(m *mmap.Map, body func()) {
			for range m.Matches(regexp.MustCompile(`a`)) {
				body()
				break
			}
		},
		"Guard": func(m *mmap.Map, body func()) {
			m.Guard(func([]byte) error { body(); return nil })
		},
	}
	for name, loop := range outer {
		t.Run(name, func(t *testing.T) {
			m := srchMap(t, []byte("abc\nabc\n"))
			closed := make(chan error, 1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				loop(m, func() {
					go func() { closed <- m.Close() }()
					for !mmap.ClosePending(m) {
						time.Sleep(time.Millisecond)
					}
					// Nested calls of every kind: each must return at once.
					if _, err := m.Find([]byte("b")); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested Find: %v", err)
					}
					if _, err := m.ReadAt(make([]byte, 1), 0); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested ReadAt: %v", err)
					}
					if _, err := m.At(0); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("nested At: %v", err)
					}
					if m.Len() != 0 {
						t.Errorf("nested Len after Close began: %d", m.Len())
					}
					select {
					case err := <-closed:
						t.Errorf("Close returned (%v) before the outer call ended", err)
					default:
					}
				})
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the nested call deadlocked with Close")
			}
			select {
			case err := <-closed:
				if err != nil {
					t.Fatalf("Close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not return after the outer call ended")
			}
		})
	}
}
