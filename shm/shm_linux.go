package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mmapkit/mmap"
	"golang.org/x/sys/unix"
)

// dir is where glibc's shm_open keeps segments: shm_open("/NAME") opens
// dir/NAME with O_NOFOLLOW|O_CLOEXEC.
const dir = "/dev/shm"

// maxNameLen is NAME_MAX: a segment is a file in dir.
const maxNameLen = 255

// badNameChars may not appear in a name after the leading "/".
const badNameChars = "/"

func create(name string, size int64, o options) (*mmap.Map, error) {
	path := dir + "/" + name
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, o.perm)
	if err != nil {
		return nil, osErr(err)
	}
	defer f.Close()
	m, err := func() (*mmap.Map, error) {
		if err := f.Truncate(size); err != nil {
			return nil, osErr(err)
		}
		return mmap.MapFile(f, mmap.ReadWrite)
	}()
	if err != nil {
		unix.Unlink(path) // ours: made with O_EXCL above
		return nil, err
	}
	return m, nil
}

func open(name string, o options) (*mmap.Map, int64, error) {
	flag, mode := os.O_RDWR, mmap.ReadWrite
	if o.readOnly {
		flag, mode = os.O_RDONLY, mmap.ReadOnly
	}
	f, err := os.OpenFile(dir+"/"+name, flag|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, 0, osErr(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, osErr(err)
	}
	switch {
	case !fi.Mode().IsRegular():
		return nil, 0, fmt.Errorf("%w: not a shared memory segment (mode %v)", fs.ErrInvalid, fi.Mode())
	case fi.Size() == 0:
		return nil, 0, fmt.Errorf("%w: the segment is empty (not sized by its creator yet?)", fs.ErrInvalid)
	}
	m, err := mmap.MapFile(f, mode)
	if err != nil {
		return nil, 0, err
	}
	return m, int64(m.Len()), nil
}

func unlink(name string) error {
	// unlink(2), not os.Remove, which would also remove an empty directory.
	return osErr(unix.Unlink(dir + "/" + name))
}

func list() ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, osErr(err)
	}
	infos := make([]Info, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil { // removed meanwhile
			continue
		}
		infos = append(infos, Info{Name: e.Name(), Size: fi.Size(), Mode: fi.Mode()})
	}
	return infos, nil
}

// osErr strips the /dev/shm path from err, which the caller wraps in a
// PathError with the segment's name, and says so when /dev/shm itself is
// missing.
func osErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return fmt.Errorf("%w: no %s on this system", errors.ErrUnsupported, dir)
		}
	}
	return err
}
