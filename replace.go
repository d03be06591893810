package mmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/mmapkit/mmap/internal/scan"
)

// Replace replaces, in place, the first n non-overlapping occurrences of old
// in the map with new, found from the left as bytes.Replace finds them, and
// returns how many it replaced; n < 0 replaces them all. The result is what
// bytes.Replace(m.Bytes(), old, new, n) returns. In a ReadWrite map of a
// file the changes reach the file at once (Flush makes them durable).
//
// A map cannot change length here, so new must be exactly as long as old:
// anything else is an error matching fs.ErrInvalid; ReplaceFile replaces
// with another length. old must not be empty. A ReadOnly map gives
// ErrReadOnly. A fault stops the replacement with a *FaultError; the
// occurrences before its offset were replaced.
func (m *Map) Replace(old, new []byte, n int) (int, error) {
	const op = "replace"
	if len(old) != len(new) {
		return 0, opError(op, fmt.Errorf("%w: new is %d bytes, old %d: a map can only replace in place with the same length (ReplaceFile replaces with any length)", fs.ErrInvalid, len(new), len(old)))
	}
	if len(old) == 0 {
		return 0, opError(op, errEmptyOld)
	}
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	if m.mode == ReadOnly {
		return 0, opError(op, ErrReadOnly)
	}
	return m.replaceSame(op, old, new, n)
}

// replaceWindow is how much of the map Replace scans before writing: the
// matches in a window are found first, then the pages they span are made
// writable in one system call (MADV_POPULATE_WRITE) when they are many,
// instead of one write fault per page (BenchmarkReplaceLonger and
// .ci/bench-replace-longer compare the two).
const replaceWindow = 1 << 20

func (m *Map) replaceSame(op string, old, new []byte, n int) (int, error) {
	data := m.data
	if n < 0 && len(data) >= tuning.CountParallel && runtime.GOMAXPROCS(0) > 1 {
		// Find every occurrence (on every core), then write window by
		// window on this goroutine, so that a fault still means "replaced
		// up to here".
		pos, err := scan.Positions(&tuning, m.scanGuard(op), data, old, -1)
		if err != nil {
			return 0, err
		}
		done := 0
		for len(pos) > 0 {
			w := 1
			for w < len(pos) && pos[w]-pos[0] < replaceWindow {
				w++
			}
			k, err := m.overwrite(op, pos[:w], new)
			done += k
			if err != nil {
				return done, err
			}
			pos = pos[w:]
		}
		return done, nil
	}
	done := 0
	var pos []int
	for ws := 0; ws < len(data) && (n < 0 || done < n); {
		we := min(ws+replaceWindow, len(data))
		pos = pos[:0]
		next := ws
		err := m.guard(op, ws, func() {
			scan.Each(data[:min(we+len(old)-1, len(data))], old, next, func(i int) bool {
				pos = append(pos, i)
				next = i + len(old)
				return n < 0 || done+len(pos) < n
			})
		})
		if err != nil {
			return done, err
		}
		if len(pos) > 0 {
			k, err := m.overwrite(op, pos, new)
			done += k
			if err != nil {
				return done, err
			}
		}
		ws = max(we, next)
	}
	return done, nil
}

// overwrite writes new at each offset in pos, which span at most about one
// replaceWindow, and returns how many it wrote before a fault, if any.
func (m *Map) overwrite(op string, pos []int, new []byte) (int, error) {
	first, last := pos[0], pos[len(pos)-1]+len(new)
	if m.mode == ReadWrite && m.res.file != nil && len(pos) >= 8 && (last-first)/pageSize >= 8 {
		start, length := m.pageSpan(first, last-first)
		m.res.reg.advise(start, length, AdvicePopulateWrite) // a hint: faults do the same work
	}
	k := 0
	err := m.guard(op, first, func() {
		for ; k < len(pos); k++ {
			copy(m.data[pos[k]:], new)
		}
	})
	return k, err
}

var errEmptyOld = fmt.Errorf("%w: empty old", fs.ErrInvalid)

// ErrFileChanged is returned by ReplaceFile when the file's size changed
// while it worked (another process appended to or truncated it): the
// replacement would lose or garble the other process's bytes.
var ErrFileChanged = errors.New("file changed size during the replace")

// replaceHook, when set (by tests), is called at the named points of
// ReplaceFile where another process's change matters.
var replaceHook func(point string)

func hook(point string) {
	if replaceHook != nil {
		replaceHook(point)
	}
}

// A ReplaceOption changes how ReplaceFile works.
type ReplaceOption func(*replaceOptions)

type replaceOptions struct {
	safe, dryRun, sync bool
}

// WithSafeReplace makes ReplaceFile all-or-nothing: it writes the result to
// a temporary file beside the original, syncs it to disk, and renames it
// over the original, so that a failure or a crash at any moment leaves
// either the old file or the new one, never a mix. It needs free space for
// a second copy of the file.
//
// A symbolic link is followed: its target is replaced and the link stays.
// The new file keeps the original's permission bits, setuid, setgid and
// sticky bits included; its owner and group when the process may set them
// (root; otherwise the group only if the process belongs to it, and the
// owner becomes the process's); and on Linux its extended attributes and
// POSIX ACLs, except those the process may not set (trusted.*, some
// security.* when not root) or the filesystem does not hold. It is a new
// inode: hard links to the original keep the old content, and open
// descriptors and maps of it still see the old file.
//
// A temporary file left by a replacement that was killed (SIGKILL, power
// loss) is removed by the next replacement of the same file. Python: no
// equivalent; os.replace does the rename.
func WithSafeReplace() ReplaceOption { return func(o *replaceOptions) { o.safe = true } }

// WithDryRun makes ReplaceFile count the replacements it would make and
// change nothing.
func WithDryRun() ReplaceOption { return func(o *replaceOptions) { o.dryRun = true } }

// WithSync makes ReplaceFile wait until the changed file is on disk (msync
// and fsync) before it returns. WithSafeReplace always does.
func WithSync() ReplaceOption { return func(o *replaceOptions) { o.sync = true } }

// ReplaceFile replaces the first n non-overlapping occurrences of old in the
// file at path with new (all of them if n < 0), found from the left as
// bytes.Replace finds them, and returns how many it replaced. The file ends
// up holding what bytes.Replace would return for its content. new may have
// any length; old must not be empty. A symbolic link is followed.
//
// Without WithSafeReplace the file is changed in place, through a ReadWrite
// map, writing only what changes:
//
//   - Same length: each occurrence is overwritten where it is. A failure
//     midway (a *FaultError if another process truncates the file) leaves
//     the occurrences before it replaced and those after it not.
//   - Longer new: the file is first extended to its final size with the
//     space allocated (fallocate on Linux; elsewhere, or where the
//     filesystem has no fallocate, by writing zeros); if that fails (a
//     full disk: an error matching syscall.ENOSPC; a file size limit)
//     ReplaceFile returns the error and the file is exactly as it was.
//     Then, from the end backwards, each stretch between occurrences is
//     moved to its final place and the replacement written before it.
//   - Shorter new: from the start forwards, each replacement is written and
//     the stretch after it moved down; then the file is truncated to its
//     final size. If that truncation fails the content is complete but
//     followed by len(old)-len(new) bytes per occurrence of stale data.
//
// In the two moving cases a crash or a fault midway leaves a file that is
// neither the old nor the new content but a mix; use WithSafeReplace when
// that matters. In-place changes are not synced to disk unless WithSync is
// given. WithDryRun only counts.
//
// ReplaceFile is not a lock. Bytes another process appends while it works
// are kept after the new content when nothing moves over them (same
// length; shorter, where they are moved down to follow the new content);
// where they would be overwritten or dropped (longer, after the scan;
// WithSafeReplace, before the rename) ReplaceFile fails with an error
// matching ErrFileChanged and leaves the file as it was plus the appended
// bytes. An append in the few microseconds between its last look at the
// size and the growth, cut or rename is not seen and is lost.
//
// Errors are *fs.PathError values, or *FaultError for a memory fault; a
// full disk matches syscall.ENOSPC, a change by another process
// ErrFileChanged.
func ReplaceFile(path string, old, new []byte, n int, opts ...ReplaceOption) (int, error) {
	var o replaceOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(old) == 0 {
		return 0, &fs.PathError{Op: "replace", Path: path, Err: errEmptyOld}
	}
	count, err := replaceFile(path, old, new, n, o)
	if err != nil {
		var fe *FaultError
		var pe *fs.PathError
		if !errors.As(err, &fe) && !errors.As(err, &pe) {
			err = &fs.PathError{Op: "replace", Path: path, Err: err}
		}
	}
	return count, err
}

func replaceFile(path string, old, new []byte, n int, o replaceOptions) (int, error) {
	if o.dryRun {
		m, err := Open(path)
		if err != nil {
			return 0, err
		}
		defer m.Close()
		return m.countUpTo(old, n)
	}
	if o.safe {
		return replaceSafe(path, old, new, n)
	}
	m, err := OpenFile(path, ReadWrite)
	if err != nil {
		return 0, err
	}
	count, err := replaceInPlace(m, old, new, n)
	if err == nil && o.sync && count > 0 {
		err = m.Flush()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return count, err
}

// countUpTo counts up to n (all if n < 0) non-overlapping occurrences.
func (m *Map) countUpTo(sub []byte, n int) (int, error) {
	if n < 0 {
		return m.Count(sub)
	}
	c := 0
	for _, err := range m.FindAll(sub) {
		if err != nil {
			return 0, err
		}
		if c == n {
			break
		}
		c++
	}
	return c, nil
}

// positions returns the offsets of the first n (all if n < 0)
// non-overlapping occurrences of sub.
func (m *Map) positions(op string, sub []byte, n int) ([]int, error) {
	if err := m.enter(op); err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	return scan.Positions(&tuning, m.scanGuard(op), m.data, sub, n)
}

func replaceInPlace(m *Map, old, new []byte, n int) (int, error) {
	const op = "replace"
	if len(old) == len(new) {
		return m.Replace(old, new, n)
	}
	// Another length: the offsets of every occurrence are needed before
	// anything moves (8 bytes each).
	pos, err := m.positions(op, old, n)
	if err != nil || len(pos) == 0 {
		return 0, err
	}
	size := m.Len()
	delta := len(new) - len(old)
	newSize := size + len(pos)*delta
	hook("scanned")
	if err := m.sameSize(size); err != nil {
		return 0, err
	}
	hook("checked")
	if delta > 0 {
		// Grow first, with the space reserved: if the file cannot grow,
		// or the disk has no room for the growth, nothing has changed;
		// without the reservation a full disk would fault (SIGBUS)
		// halfway through the moves below and leave a mix.
		if err := m.reserve(size, newSize); err != nil {
			return 0, err
		}
		if err := m.Resize(newSize); err != nil {
			m.res.file.Truncate(int64(size)) // the map is as it was; so is the file
			return 0, err
		}
	}
	if err := m.enter(op); err != nil {
		return 0, err
	}
	data := m.data
	L := len(old)
	if delta > 0 && moveByPopulate {
		// Every page from the first occurrence on is written: make them
		// writable in one system call instead of one fault per page
		// (BenchmarkReplaceLonger). A hint: the faults do the same work.
		start, length := m.pageSpan(pos[0], newSize-pos[0])
		m.res.reg.advise(start, length, AdvicePopulateWrite)
	}
	err = m.guard(op, 0, func() {
		if delta > 0 {
			// Backwards: stretch i (after occurrence i) moves up by
			// (i+1)*delta; the replacement goes just before it.
			end := size
			for i := len(pos) - 1; i >= 0; i-- {
				p := pos[i]
				copy(data[p+L+(i+1)*delta:], data[p+L:end])
				copy(data[p+i*delta:], new)
				end = p
			}
		} else {
			// Forwards: everything after occurrence i moves down by
			// -(i+1)*delta.
			for i, p := range pos {
				end := size
				if i+1 < len(pos) {
					end = pos[i+1]
				}
				copy(data[p+i*delta:], new)
				copy(data[p+L+(i+1)*delta:], data[p+L:end])
			}
		}
	})
	m.mu.RUnlock()
	if err != nil {
		return 0, err
	}
	if delta < 0 {
		hook("moved")
		if err := m.shrinkKeepingAppends(size, newSize); err != nil {
			return len(pos), err
		}
	}
	return len(pos), nil
}

// shrinkKeepingAppends ends a shrinking replacement: it resizes the map
// from size to newSize bytes, which cuts the file after the new content
// when the file still ends where the map did, and otherwise (another
// process appended meanwhile) leaves it whole; the appended bytes are then
// moved down to follow the new content and the stale bytes between cut
// out. Bytes appended between Resize's look at the size and its cut, a
// few microseconds, are lost.
func (m *Map) shrinkKeepingAppends(size, newSize int) error {
	f := m.res.file
	oldEnd, newEnd := m.off+int64(size), m.off+int64(newSize)
	if err := m.Resize(newSize); err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	end := fi.Size()
	if end <= oldEnd {
		if end < newEnd { // cut shorter by someone else
			return fmt.Errorf("%w: %d bytes when the replace began, %d now", ErrFileChanged, oldEnd, end)
		}
		return nil
	}
	buf := make([]byte, min(end-oldEnd, 1<<20))
	to := newEnd
	for from := oldEnd; from < end; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), end-from)], from)
		if n > 0 {
			if _, werr := f.WriteAt(buf[:n], to); werr != nil {
				return werr
			}
		}
		if err != nil {
			return err
		}
		from, to = from+int64(n), to+int64(n)
	}
	return f.Truncate(to)
}

// moveByPopulate makes a growing replacement populate the pages it will
// write before moving the content (BenchmarkReplaceLonger compares).
var moveByPopulate = true

// sameSize returns an error matching ErrFileChanged when the map's file is
// no longer size bytes long.
func (m *Map) sameSize(size int) error {
	fi, err := m.res.file.Stat()
	if err != nil {
		return err
	}
	if fi.Size() != m.off+int64(size) {
		return fmt.Errorf("%w: %d bytes when the replace began, %d now", ErrFileChanged, m.off+int64(size), fi.Size())
	}
	return nil
}

// reserve grows the map's file from size to newSize bytes with the disk
// space allocated (reserveSpace), or leaves it as it was and returns the
// error (matching syscall.ENOSPC for a full disk).
func (m *Map) reserve(size, newSize int) error {
	f := m.res.file
	if err := reserveSpace(f, int64(size), int64(newSize)); err != nil {
		f.Truncate(int64(size))
		return &fs.PathError{Op: "reserve", Path: f.Name(), Err: err}
	}
	return nil
}

// writeZeros allocates [from, to) of f by writing zeros, as
// posix_fallocate does where the filesystem has no fallocate.
func writeZeros(f *os.File, from, to int64) error {
	zero := make([]byte, min(to-from, 1<<20))
	for off := from; off < to; {
		n, err := f.WriteAt(zero[:min(int64(len(zero)), to-off)], off)
		if err != nil {
			return err
		}
		off += int64(n)
	}
	return nil
}

// copyBufs are the buffers replaceSafe writes through.
var copyBufs = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}

// tempPattern names the temporary files replaceSafe makes beside the file
// called base; the * is random.
func tempPattern(base string) string { return "." + base + ".replace-*" }

// replaceSafe writes the result into a temporary file in the same
// directory as the file path names (after symbolic links), gives it the
// original's owner, mode and extended attributes, syncs it, and renames it
// over the original.
func replaceSafe(path string, old, new []byte, n int) (count int, err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return 0, err
	}
	m, err := OpenFile(target, ReadOnly)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	src := m.res.file
	fi, err := src.Stat()
	if err != nil {
		return 0, err
	}
	dir, base := filepath.Split(target)
	removeStaleTemps(dir, base)
	tmp, err := createTemp(dir, base)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := copyBufs.Get().(*bufio.Writer)
	w.Reset(tmp)
	defer func() {
		w.Reset(nil)
		copyBufs.Put(w)
	}()
	count, err = m.writeReplaced(w, old, new, n)
	if err != nil {
		return 0, err
	}
	if err = w.Flush(); err != nil {
		return 0, err
	}
	if err = keepMetadata(tmp, src, fi); err != nil {
		return 0, err
	}
	if err = tmp.Sync(); err != nil {
		return 0, err
	}
	hook("written")
	if err = m.sameSize(m.Len()); err != nil {
		return 0, err
	}
	hook("checked")
	// Windows refuses to replace a file that is mapped.
	if err = m.Close(); err != nil {
		return 0, err
	}
	if err = renameTemp(tmp, target); err != nil {
		return 0, err
	}
	syncDir(dir)
	return count, nil
}

// createTemp makes a temporary file for replaceSafe, locked (lockTemp) so
// that removeStaleTemps in another process leaves it alone; one removed
// between its creation and its lock is made again.
func createTemp(dir, base string) (*os.File, error) {
	for {
		tmp, err := os.CreateTemp(dir, tempPattern(base))
		if err != nil {
			return nil, err
		}
		if err := lockTemp(tmp); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, err
		}
		a, err1 := tmp.Stat()
		b, err2 := os.Stat(tmp.Name())
		if err1 == nil && err2 == nil && os.SameFile(a, b) {
			return tmp, nil
		}
		tmp.Close()
	}
}

// removeStaleTemps removes the temporary files that replacements of base
// killed before they finished (SIGKILL, a crash, power loss) left in dir:
// those no live process holds locked. Each may be as large as the file.
// Only names os.CreateTemp gives for tempPattern(base), a decimal number
// in place of the *, are touched: a file of the user's named alike stays.
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix, _, _ := strings.Cut(tempPattern(base), "*")
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if ok && e.Type().IsRegular() && isDecimal(rest) {
			removeIfStale(filepath.Join(dir, e.Name()))
		}
	}
}

func isDecimal(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// keepMetadata gives tmp what the original file src, described by fi, has
// and a rename would otherwise lose: the owner and group (as far as the
// process may set them: any when root, else only a group it belongs to),
// the permission bits with setuid, setgid and sticky (after chown, which
// clears them), then the extended attributes, POSIX ACLs among them, where
// the platform and filesystem have them (copyXattrs).
func keepMetadata(tmp, src *os.File, fi fs.FileInfo) error {
	keepOwner(tmp, fi)
	mode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	return copyXattrs(tmp, src)
}

// syncDir makes a rename in dir durable where the OS allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // not supported everywhere (Windows); the rename is done either way
		d.Close()
	}
}

// writeReplaced writes the map to w with the first n occurrences of old
// replaced by new, straight from the mapped memory.
func (m *Map) writeReplaced(w *bufio.Writer, old, new []byte, n int) (int, error) {
	const op = "replace"
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	data := m.data
	count, next := 0, 0
	var werr error
	write := func(b []byte) bool {
		if _, werr = w.Write(b); werr != nil && kindOf(werr) == errBadAddress {
			// A chunk larger than w's buffer goes straight from the map
			// to write(2), which meets a truncated file's missing pages
			// as EFAULT where a copy would have faulted.
			werr = m.kernelFault(op, next)
		}
		return werr == nil
	}
	err := m.guard(op, 0, func() {
		for n < 0 || count < n {
			j := bytes.Index(data[next:], old)
			if j < 0 {
				break
			}
			if !write(data[next:next+j]) || !write(new) {
				return
			}
			count++
			next += j + len(old)
		}
		write(data[next:])
	})
	if err != nil {
		return 0, err
	}
	return count, werr
}
