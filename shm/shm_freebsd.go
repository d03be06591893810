package shm

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxNameLen is PATH_MAX less the leading "/" and the NUL.
const maxNameLen = 1022

// trackable: fstat of a shared memory object gives its inode number.
const trackable = true

// sysShmOpen2 is the shm_open2 system call of FreeBSD 13 and later, which
// libc's shm_open calls as shm_open2(path, flags|O_CLOEXEC, mode, 0, NULL);
// golang.org/x/sys/unix has no number for it.
const sysShmOpen2 = 571

func sysShmOpen(p *byte, flag int, perm uint32) (int, error) {
	r, _, e := unix.Syscall6(sysShmOpen2, uintptr(unsafe.Pointer(p)), uintptr(flag), uintptr(perm), 0, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

func sysShmUnlink(p *byte) error {
	if _, _, e := unix.Syscall(unix.SYS_SHM_UNLINK, uintptr(unsafe.Pointer(p)), 0, 0); e != 0 {
		return e
	}
	return nil
}

// identify returns the identity of the object that name now denotes.
func identify(name string) (fileID, error) {
	fd, err := shmOpen("/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fileID{}, os.NewSyscallError("shm_open", err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fileID{}, os.NewSyscallError("fstat", err)
	}
	return fileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}, nil
}
