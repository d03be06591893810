//go:build unix && !aix

package shm

import (
	"os"

	"github.com/mmapkit/mmap"

	"golang.org/x/sys/unix"
)

// handle is the descriptor of a segment kept open after mapping: the
// ShareableList's lock is an advisory flock(2) on it, and a tracked
// segment's identity its fstat(2).
type handle struct{ f *os.File }

// mapKeep maps f with mode and keeps it as the segment's handle when o
// asks for one; otherwise, and on error, it closes f.
func mapKeep(f *os.File, mode mmap.Mode, o options, mopts ...mmap.Option) (*mmap.Map, *handle, error) {
	m, err := mmap.MapFile(f, mode, mopts...) // the Map keeps a duplicate of f
	if err != nil || (!o.keepFile && !o.tracked) {
		f.Close()
		return m, nil, err
	}
	return m, &handle{f}, nil
}

// lock takes the segment's advisory lock, shared or exclusive, waiting for
// it. The kernel drops it when the holder's descriptor closes, so a
// process that dies holding it cannot block the others. Where flock does
// not apply to segments (flockable is false) it does nothing.
func (h *handle) lock(exclusive bool) error {
	if !flockable {
		return nil
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(h.f.Fd()), how)
		if err != unix.EINTR {
			return os.NewSyscallError("flock", err)
		}
	}
}

func (h *handle) unlock() error {
	if !flockable {
		return nil
	}
	return os.NewSyscallError("flock", unix.Flock(int(h.f.Fd()), unix.LOCK_UN))
}

// id returns the identity of the open segment.
func (h *handle) id() (fileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.f.Fd()), &st); err != nil {
		return fileID{}, os.NewSyscallError("fstat", err)
	}
	return fileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}, nil
}

func (h *handle) close() error { return h.f.Close() }
