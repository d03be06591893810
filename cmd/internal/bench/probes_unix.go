//go:build unix

package bench

import (
	"golang.org/x/sys/unix"
)

// rawProbes times the system calls under a one-shot find straight, without
// the library: the kernel's share of the row.
func rawProbes(name, path string) []probeOp {
	at := 0 // the offset of the page the search starts on
	switch name {
	case "find":
	case "seek_find":
		at = seekOffset
	case "read":
		return []probeOp{{name: "raw open+fstat+mmap, touch every page, munmap+close (no library)", op: func(path string) (int, error) {
			return rawMap(path, -1)
		}}}
	default:
		return nil
	}
	buf := make([]byte, firstChunk)
	return []probeOp{
		{name: "raw open+close", op: func(path string) (int, error) {
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return 0, err
			}
			return 0, unix.Close(fd)
		}},
		{name: "raw open+fstat+mmap+munmap+close, no page touched", op: func(path string) (int, error) {
			return rawMap(path, -2)
		}},
		{name: "the same, touching the page the search starts on (one fault)", op: func(path string) (int, error) {
			return rawMap(path, at)
		}},
		{name: "raw open+pread 64 KiB at the search's start+close", op: func(path string) (int, error) {
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return 0, err
			}
			defer unix.Close(fd)
			return unix.Pread(fd, buf, int64(at))
		}},
	}
}

// rawMap maps the file at path read-only with bare system calls, touches
// the byte at offset touch (-1: one byte in every page; -2: none) and
// unmaps it.
func rawMap(path string, touch int) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, err
	}
	if st.Size == 0 {
		return 0, nil
	}
	b, err := unix.Mmap(fd, 0, int(st.Size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, err
	}
	sum := 0
	switch {
	case touch == -1:
		for i := 0; i < len(b); i += 4096 {
			sum += int(b[i])
		}
	case touch >= 0 && touch < len(b):
		sum = int(b[touch])
	}
	return sum, unix.Munmap(b)
}
