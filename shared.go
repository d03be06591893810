package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// SharedEnv is the environment variable through which ShareWith tells a
// child process where its shared memory is, and which SharedFromEnv reads.
const SharedEnv = "MMAP_SHARED"

// sharedMem marks a Map whose memory other processes may map too.
type sharedMem struct {
	// handle is the inheritable section handle on Windows, owned by the
	// Map. Unused on Unix, where resources.file is the shared object.
	handle uintptr //lint:ignore U1000 used by shared_windows.go
}

// checkResize refuses the resizes shared memory cannot take: shrinking,
// which would make the other processes' maps fault (Linux seals the memory
// against it), and, where the OS cannot grow shared memory, growing.
func (s *sharedMem) checkResize(old, n int) error {
	if n < old {
		return rangeErr("shared memory cannot shrink from %d to %d bytes: other processes may map it", old, n)
	}
	if !sharedCanGrow {
		return fmt.Errorf("%w: shared memory cannot grow on this platform", errors.ErrUnsupported)
	}
	return nil
}

// Shared maps n bytes of zeroed memory that, unlike Anonymous, can be
// handed to child processes with ShareWith: writes by any process are seen
// by all of them. n must be positive.
//
// On Linux the memory is a memfd sealed against shrinking, so no process,
// not even a hostile one, can make the others' maps fault. On macOS and the
// BSDs it is a file in os.TempDir() unlinked at once; on Windows a
// pagefile-backed section with an inheritable handle.
//
// The Map is ReadWrite and works like any other. Resize may grow it (not on
// Windows, where that is errors.ErrUnsupported) but never shrink it
// (ErrRange); children keep the length they mapped until they Resize too.
// Of the options, WithPopulate, WithHugePages, WithLock and WithGrow apply.
//
// Python: mmap.mmap(-1, n) shared with a child across fork; Go has no fork.
// Errors are *OpError values.
func Shared(n int, opts ...Option) (*Map, error) {
	if n <= 0 {
		return nil, opError("shared", rangeErr("size %d: must be positive", n))
	}
	o := buildOptions(opts)
	res, err := newShared(n)
	if err != nil {
		return nil, opError("shared", err)
	}
	m := newMap(res, n, 0, ReadWrite, o.grow)
	if err := m.applyOptions(o); err != nil {
		m.Close()
		return nil, opError("shared", err)
	}
	return m, nil
}

// ShareWith arranges for the process cmd will start to inherit m, which
// must come from Shared or OpenShared, and returns the token that names the
// memory in that process. It also sets SharedEnv to the token in cmd.Env
// (starting from os.Environ() when cmd.Env is nil), so that a child given a
// single Map just calls SharedFromEnv; to hand over several, call ShareWith
// for each and pass the tokens yourself (the variable names the last one).
//
// On Unix the memory goes in cmd.ExtraFiles; on Windows its handle goes in
// cmd.SysProcAttr.AdditionalInheritedHandles. Call ShareWith before
// cmd.Start, and keep m open until Start returns.
// Errors are *OpError values.
func (m *Map) ShareWith(cmd *exec.Cmd) (string, error) {
	if cmd == nil {
		return "", opError("share", fmt.Errorf("%w: nil command", fs.ErrInvalid))
	}
	if cmd.Process != nil {
		return "", opError("share", fmt.Errorf("%w: the command has already started", fs.ErrInvalid))
	}
	if err := m.enter("share"); err != nil {
		return "", err
	}
	defer m.mu.RUnlock()
	if m.res.shared == nil {
		return "", opError("share", fmt.Errorf("%w: only maps made by Shared or OpenShared can be shared with a child", fs.ErrInvalid))
	}
	h, err := shareWith(cmd, m.res)
	if err != nil {
		return "", opError("share", err)
	}
	token := strconv.FormatUint(uint64(h), 10) + ":" + strconv.Itoa(len(m.data))
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, SharedEnv+"="+token)
	return token, nil
}

// SharedFromEnv maps the memory a parent process handed over with
// ShareWith, named by the SharedEnv environment variable. It returns an
// error matching fs.ErrNotExist when the variable is not set.
// Errors are *OpError values.
func SharedFromEnv() (*Map, error) {
	token, ok := os.LookupEnv(SharedEnv)
	if !ok {
		return nil, opError("shared", fmt.Errorf("%w: %s is not set: not started with ShareWith", fs.ErrNotExist, SharedEnv))
	}
	return OpenShared(token)
}

// OpenShared maps, in a child process, the memory a parent handed over
// with ShareWith, given the token ShareWith returned. The token is
// "H:N": the inherited descriptor (Unix) or handle (Windows) number H as the
// child sees it, and the length N to map. N may be 0 or left out (with its
// colon) to map the whole object, so a program that receives a descriptor
// of a shared memory object some other way can build a token itself.
//
// The Map is ReadWrite, or ReadOnly when the descriptor or handle gives
// read access only. It behaves like the parent's: it cannot shrink, and it
// can be passed on to another process with ShareWith. OpenShared duplicates
// the descriptor or handle, which stays open (marked close-on-exec on
// Unix once the map is made; a failed call leaves it as it was), so
// calling it twice maps the memory twice. A token that is malformed, or
// names a number no descriptor can have (2^31 or more on Unix), gives an
// error matching fs.ErrInvalid.
// Errors are *OpError values.
func OpenShared(token string) (*Map, error) {
	hs, ns, _ := strings.Cut(token, ":")
	h, err := strconv.ParseUint(hs, 10, strconv.IntSize)
	if err != nil {
		return nil, opError("shared", fmt.Errorf("%w: bad token %q", fs.ErrInvalid, token))
	}
	n := int64(0)
	if ns != "" {
		n, err = strconv.ParseInt(ns, 10, 64)
		if err != nil || n < 0 {
			return nil, opError("shared", fmt.Errorf("%w: bad length in token %q", fs.ErrInvalid, token))
		}
	}
	res, length, mode, err := openShared(uintptr(h), n)
	if err != nil {
		return nil, opError("shared", err)
	}
	return newMap(res, length, 0, mode, false), nil
}
