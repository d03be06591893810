package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"unsafe"

	"github.com/mmapkit/mmap"
	"golang.org/x/sys/windows"
)

// A segment NAME is the pagefile-backed section Local\NAME (the session's
// namespace). Its size is fixed when it is made; Open finds it with
// VirtualQuery, rounded up to whole pages as in Python. The section lives
// while some process holds a handle or a view: there is no name to unlink.

// namespace is prefixed to every name.
const namespace = `Local\`

// maxNameLen keeps namespace+name within MAX_PATH.
const maxNameLen = 255 - len(namespace)

// badNameChars: a backslash would leave the Local namespace.
const badNameChars = `/\`

// trackable is false: a section dies with its last handle, so a creator's
// death already removes it unless another process holds it open.
const trackable = false

var procOpenFileMappingW = windows.NewLazySystemDLL("kernel32.dll").NewProc("OpenFileMappingW")

func create(name string, size int64, o options) (*mmap.Map, *handle, error) {
	p, err := windows.UTF16PtrFromString(namespace + name)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", fs.ErrInvalid, err)
	}
	h, err := windows.CreateFileMapping(windows.InvalidHandle, nil, windows.PAGE_READWRITE, uint32(uint64(size)>>32), uint32(size), p)
	if err == windows.ERROR_ALREADY_EXISTS {
		windows.CloseHandle(h)
		return nil, nil, fs.ErrExist
	}
	if err != nil {
		return nil, nil, os.NewSyscallError("CreateFileMapping", err)
	}
	m, err := mapHandle(h, size)
	if err != nil {
		return nil, nil, err
	}
	lk, err := keepNamed(name, o)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, lk, nil
}

func open(name string, o options) (*mmap.Map, int64, *handle, error) {
	p, err := windows.UTF16PtrFromString(namespace + name)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%w: %w", fs.ErrInvalid, err)
	}
	if o.access == mmap.CopyOnWrite {
		return nil, 0, nil, fmt.Errorf("%w: CopyOnWrite attaches of a section are not supported here", errors.ErrUnsupported)
	}
	access := uint32(windows.FILE_MAP_READ | windows.FILE_MAP_WRITE)
	if o.access == mmap.ReadOnly {
		access = windows.FILE_MAP_READ
	}
	r, _, e := procOpenFileMappingW.Call(uintptr(access), 0, uintptr(unsafe.Pointer(p)))
	if r == 0 {
		return nil, 0, nil, os.NewSyscallError("OpenFileMapping", e)
	}
	m, err := mapHandle(windows.Handle(r), 0)
	if err != nil {
		return nil, 0, nil, err
	}
	lk, err := keepNamed(name, o)
	if err != nil {
		m.Close()
		return nil, 0, nil, err
	}
	return m, int64(m.Len()), lk, nil
}

// mapHandle maps size bytes (0: all) of the section h through
// mmap.OpenShared, which duplicates h, and closes h. A handle with read
// access only gives a ReadOnly Map.
func mapHandle(h windows.Handle, size int64) (*mmap.Map, error) {
	defer windows.CloseHandle(h)
	return mmap.OpenShared(strconv.FormatUint(uint64(h), 10) + ":" + strconv.FormatInt(size, 10))
}

// unlink does nothing: a section has no name that outlives its handles.
func unlink(name string) error { return nil }

func identify(name string) (fileID, error) { return fileID{}, errors.ErrUnsupported }

func list() ([]Info, error) {
	return nil, fmt.Errorf("%w: Windows cannot list sections", errors.ErrUnsupported)
}
