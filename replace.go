package mmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
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
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
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
// instead of one write fault per page, which costs 20-35 µs on the
// project's VM.
const replaceWindow = 1 << 20

func (m *Map) replaceSame(op string, old, new []byte, n int) (int, error) {
	data := m.data
	if n < 0 && len(data) >= countParallelThreshold && workers() > 1 {
		// Find every occurrence on every core, then write window by window
		// on this goroutine, so that a fault still means "replaced up to
		// here".
		pos, err := m.positionsParallel(op, old)
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
			s := data[:min(we+len(old)-1, len(data))]
			for n < 0 || done+len(pos) < n {
				j := bytes.Index(s[next:], old)
				if j < 0 {
					break
				}
				pos = append(pos, next+j)
				next += j + len(old)
			}
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
	if m.mode == ReadWrite && m.res.file != nil && len(pos) >= 8 && (last-first)/PageSize >= 8 {
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

// A ReplaceOption changes how ReplaceFile works.
type ReplaceOption func(*replaceOptions)

type replaceOptions struct {
	safe, dryRun, sync bool
}

// WithSafeReplace makes ReplaceFile all-or-nothing: it writes the result to
// a temporary file beside the original, syncs it to disk, and renames it
// over the original, so that a failure or a crash at any moment leaves
// either the old file or the new one, never a mix. The new file gets the
// original's permission bits but is a new inode: hard links to the
// original keep the old content, and owner and extended attributes are
// not copied. It needs free space for a second copy of the file.
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
// any length; old must not be empty.
//
// Without WithSafeReplace the file is changed in place, through a ReadWrite
// map, writing only what changes:
//
//   - Same length: each occurrence is overwritten where it is. A failure
//     midway (a *FaultError if another process truncates the file) leaves
//     the occurrences before it replaced and those after it not.
//   - Longer new: the file is first extended to its final size; if that
//     fails (no space, a file size limit) ReplaceFile returns the error and
//     the file is unchanged. Then, from the end backwards, each stretch
//     between occurrences is moved to its final place and the replacement
//     written before it.
//   - Shorter new: from the start forwards, each replacement is written and
//     the stretch after it moved down; then the file is truncated to its
//     final size. If that truncation fails the content is complete but
//     followed by len(old)-len(new) bytes per occurrence of stale data.
//
// In the two moving cases a crash or a fault midway leaves a file that is
// neither the old nor the new content but a mix; use WithSafeReplace when
// that matters. In-place changes are not synced to disk unless WithSync is
// given. WithDryRun only counts.
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
// non-overlapping occurrences of sub. All of them in a large map are found
// on every core: where the occurrences are dense (" the " every 115 bytes
// of a book) the scan is most of a replacement's cost.
func (m *Map) positions(op string, sub []byte, n int) ([]int, error) {
	if err := m.rlock(); err != nil {
		return nil, opError(op, err)
	}
	defer m.mu.RUnlock()
	if n < 0 && len(m.data) >= countParallelThreshold && workers() > 1 {
		return m.positionsParallel(op, sub)
	}
	var pos []int
	data := m.data
	next := 0
	err := m.guard(op, 0, func() {
		for n < 0 || len(pos) < n {
			j := bytes.Index(data[next:], sub)
			if j < 0 {
				return
			}
			pos = append(pos, next+j)
			next += j + len(sub)
		}
	})
	return pos, err
}

// positionsParallel finds, block by block on every core, the occurrences a
// scan from each block's start sees, then stitches them from the left: a
// block's list is the true one when the previous block's last occurrence
// ends before the block's first; otherwise that block alone is scanned
// again from where the previous occurrence ends.
func (m *Map) positionsParallel(op string, sub []byte) ([]int, error) {
	end := len(m.data)
	size, nb := blocks(0, end, workers())
	found := make([][]int, nb)
	errs := make([]error, nb)
	eachBlock(nb, func(k int) {
		bs := k * size
		found[k], errs[k] = m.scanPositions(op, sub, bs, min(bs+size, end))
	})
	var pos []int
	resume := 0 // where a scan from the left would look next
	for k, p := range found {
		if errs[k] != nil {
			return nil, errs[k]
		}
		if len(p) > 0 && p[0] < resume {
			var err error
			if p, err = m.scanPositions(op, sub, resume, min(k*size+size, end)); err != nil {
				return nil, err
			}
		}
		if len(p) > 0 {
			pos = append(pos, p...)
			resume = p[len(p)-1] + len(sub)
		}
	}
	return pos, nil
}

// scanPositions returns the starts in [from, to) of the non-overlapping
// occurrences of sub that a scan from the left starting at from finds; an
// occurrence may run past to.
func (m *Map) scanPositions(op string, sub []byte, from, to int) ([]int, error) {
	if from >= to {
		return nil, nil
	}
	var pos []int
	s := m.data[:min(to+len(sub)-1, len(m.data))]
	err := m.guard(op, from, func() {
		for i := from; ; {
			j := bytes.Index(s[i:], sub)
			if j < 0 {
				return
			}
			pos = append(pos, i+j)
			i += j + len(sub)
		}
	})
	return pos, err
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
	if delta > 0 {
		// Grow first: if the file cannot grow, nothing has changed.
		if err := m.Resize(newSize); err != nil {
			return 0, err
		}
	}
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
	}
	data := m.data
	L := len(old)
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
		if err := m.Resize(newSize); err != nil {
			return len(pos), err
		}
	}
	return len(pos), nil
}

// copyBufs are the buffers replaceSafe writes through.
var copyBufs = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}

// replaceSafe writes the result into a temporary file in the same
// directory, syncs it, and renames it over path.
func replaceSafe(path string, old, new []byte, n int) (count int, err error) {
	m, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".replace-*")
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
	if err = tmp.Chmod(fi.Mode().Perm()); err != nil {
		return 0, err
	}
	if err = tmp.Sync(); err != nil {
		return 0, err
	}
	if err = tmp.Close(); err != nil {
		return 0, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	syncDir(filepath.Dir(path))
	return count, nil
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
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
	}
	defer m.mu.RUnlock()
	data := m.data
	count, next := 0, 0
	var werr error
	write := func(b []byte) bool {
		if _, werr = w.Write(b); werr != nil && isBadAddress(werr) {
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
