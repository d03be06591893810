package shm

import (
	"errors"
	"os"
	"runtime"

	"golang.org/x/sys/windows"
)

// handle is, on Windows, the named mutex that stands in for the flock a
// ShareableList takes elsewhere (a section has no descriptor to lock):
// Local\mmapkit.ShareableList.NAME, made by whichever process comes first.
// Windows gives a mutex of a thread that dies to the next waiter
// (WAIT_ABANDONED), so a dead holder cannot block the others. It is
// exclusive for readers too.
type handle struct{ mu windows.Handle }

const listMutexPrefix = namespace + "mmapkit.ShareableList."

// keepNamed returns the list mutex of segment name when o asks for one.
func keepNamed(name string, o options) (*handle, error) {
	if !o.keepFile {
		return nil, nil
	}
	p, err := windows.UTF16PtrFromString(listMutexPrefix + name)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateMutex(nil, false, p)
	if err != nil && err != windows.ERROR_ALREADY_EXISTS {
		return nil, os.NewSyscallError("CreateMutex", err)
	}
	return &handle{h}, nil
}

// lock waits for the mutex. A Windows mutex belongs to a thread, so the
// goroutine stays on its thread until unlock.
func (h *handle) lock(exclusive bool) error {
	runtime.LockOSThread()
	ev, err := windows.WaitForSingleObject(h.mu, windows.INFINITE)
	if ev == windows.WAIT_OBJECT_0 || ev == windows.WAIT_ABANDONED {
		return nil
	}
	runtime.UnlockOSThread()
	return os.NewSyscallError("WaitForSingleObject", err)
}

func (h *handle) unlock() error {
	err := windows.ReleaseMutex(h.mu)
	runtime.UnlockOSThread()
	return os.NewSyscallError("ReleaseMutex", err)
}

func (h *handle) id() (fileID, error) { return fileID{}, errors.ErrUnsupported }

func (h *handle) close() error { return windows.CloseHandle(h.mu) }
