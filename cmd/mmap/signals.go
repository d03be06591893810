package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// commandGrace is how long a command that watches its context (bench,
// which then removes its files) gets to return by itself after SIGINT or
// SIGTERM, of the 100 ms in which every command must stop. The others exit
// at once.
const commandGrace = 20 * time.Millisecond

// interrupts makes SIGINT and SIGTERM stop any command at once, with exit
// status 130 or 143 (128 + the signal's number, as a shell reports it): the
// context of the command is cancelled, the cleanups registered with
// onInterrupt run, and the process exits, unless a step that must not be
// cut short (an in-place rewrite) is running: then it exits when that step
// ends.
var interrupts = newInterruptState()

func newInterruptState() *interruptState {
	s := &interruptState{signals: make(chan os.Signal, 1), cleanups: map[int]func(){}}
	s.cond = sync.NewCond(&s.mu)
	return s
}

type interruptState struct {
	signals chan os.Signal

	mu       sync.Mutex
	cond     *sync.Cond
	status   int // 0 until a signal arrives
	grace    time.Duration
	critical int // steps running that must not be cut short
	cleanups map[int]func()
	nextID   int
}

// watch waits for a signal and acts on it; finished is closed when the
// command has returned.
func (s *interruptState) watch(cancel context.CancelFunc, finished <-chan struct{}) {
	sig := <-s.signals
	code := 130
	if sig == syscall.SIGTERM {
		code = 143
	}
	s.mu.Lock()
	s.status = code
	grace := s.grace
	s.mu.Unlock()
	cancel()
	if grace > 0 {
		select {
		case <-finished:
			return // main exits with the code
		case <-time.After(grace):
		}
	}
	s.mu.Lock()
	for s.critical > 0 {
		s.cond.Wait()
	}
	for _, fn := range s.cleanups {
		fn()
	}
	os.Exit(code) // holding mu: no step starts after this point
}

// watchesContext says the command returns by itself, cleaned up, soon
// after its context is cancelled: a signal gives it commandGrace to.
func (s *interruptState) watchesContext() {
	s.mu.Lock()
	s.grace = commandGrace
	s.mu.Unlock()
}

// code returns 130 or 143 once a signal has arrived, else 0.
func (s *interruptState) code() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// onInterrupt registers fn to run if a signal stops the process; the
// returned func unregisters it.
func (s *interruptState) onInterrupt(fn func()) (remove func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	s.nextID++
	s.cleanups[id] = fn
	return func() {
		s.mu.Lock()
		delete(s.cleanups, id)
		s.mu.Unlock()
	}
}

// uninterruptible runs fn; a signal that arrives meanwhile takes effect
// when fn returns.
func (s *interruptState) uninterruptible(fn func()) {
	s.mu.Lock()
	s.critical++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.critical--
		s.cond.Broadcast()
		s.mu.Unlock()
	}()
	fn()
}

// removeNewTemps returns a cleanup that removes the files (and folders) in dir whose
// names start with prefix and that did not exist when removeNewTemps was
// called: the temporary files a library call creates, and would remove
// itself had it not been stopped.
func removeNewTemps(dir, prefix string) func() {
	list := func() map[string]bool {
		names := map[string]bool{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), prefix) {
				names[e.Name()] = true
			}
		}
		return names
	}
	before := list()
	return func() {
		for name := range list() {
			if !before[name] {
				os.RemoveAll(filepath.Join(dir, name))
			}
		}
	}
}
