package mmap

import (
	"errors"
	"fmt"
	"io/fs"
)

// Advice tells the operating system how a map will be used, so it can read
// ahead, drop or prefault pages (madvise on Unix). Advice the OS does not
// have is an errors.ErrUnsupported error from Advise.
type Advice int

const (
	// AdviceNormal undoes earlier advice. MADV_NORMAL.
	AdviceNormal Advice = iota
	// AdviceRandom expects accesses in random order: read ahead less. MADV_RANDOM.
	AdviceRandom
	// AdviceSequential expects accesses in order: read ahead more, drop
	// pages behind. MADV_SEQUENTIAL.
	AdviceSequential
	// AdviceWillNeed starts reading the range in now. MADV_WILLNEED.
	AdviceWillNeed
	// AdviceDontNeed says the range will not be used soon; the OS may free
	// its pages. In a CopyOnWrite or anonymous map, unflushed private
	// changes in the range are lost. MADV_DONTNEED.
	AdviceDontNeed
	// AdviceHugePage asks for transparent huge pages. MADV_HUGEPAGE (Linux).
	AdviceHugePage
	// AdviceNoHugePage undoes AdviceHugePage. MADV_NOHUGEPAGE (Linux).
	AdviceNoHugePage
	// AdvicePopulateRead prefaults the range for reading, so accesses take
	// no page faults. MADV_POPULATE_READ on Linux 5.14 and later; elsewhere
	// each page is touched.
	AdvicePopulateRead
	// AdvicePopulateWrite prefaults the range for writing. MADV_POPULATE_WRITE
	// on Linux 5.14 and later; elsewhere it is unsupported.
	AdvicePopulateWrite
)

var adviceNames = [...]string{
	"AdviceNormal", "AdviceRandom", "AdviceSequential", "AdviceWillNeed", "AdviceDontNeed",
	"AdviceHugePage", "AdviceNoHugePage", "AdvicePopulateRead", "AdvicePopulateWrite",
}

// String returns the constant's name, such as "AdviceWillNeed".
func (a Advice) String() string {
	if a >= 0 && int(a) < len(adviceNames) {
		return adviceNames[a]
	}
	return "Advice(?)"
}

func (a Advice) valid() bool { return a >= 0 && int(a) < len(adviceNames) }

// Advise gives the OS advice about the whole map. Python: m.madvise(option).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) Advise(a Advice) error {
	return m.AdviseRange(a, 0, -1)
}

// AdviseRange gives advice about the n bytes at offset off; n < 0 means to
// the end, and n is clamped to the end as in Python. off need not be
// page-aligned. AdvicePopulateRead falls back to touching every page where
// the kernel lacks MADV_POPULATE_READ. Python: m.madvise(option, start, length).
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) AdviseRange(a Advice, off, n int) error {
	if err := m.enter("advise"); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if !a.valid() {
		return opError("advise", fmt.Errorf("%w: unknown advice %d", fs.ErrInvalid, int(a)))
	}
	if len(m.data) == 0 && off == 0 {
		return nil
	}
	if off < 0 || off >= len(m.data) {
		return opError("advise", rangeErr("offset %d of a %d-byte map", off, len(m.data)))
	}
	if n < 0 || n > len(m.data)-off {
		n = len(m.data) - off
	}
	start, length := m.pageSpan(off, n)
	err := m.sysFault("advise", off, m.res.reg.advise(start, length, a))
	if err != nil && a == AdvicePopulateRead && (errors.Is(err, errors.ErrUnsupported) || kindOf(err) == errInvalid) {
		err = m.touch(off, n)
	}
	if err != nil {
		return opError("advise", err)
	}
	return nil
}

// touch reads one byte of every page in [off, off+n) so that each is
// faulted in now rather than when first used.
func (m *Map) touch(off, n int) error {
	var sink byte
	return m.guard("advise", off, func() {
		for i := off; i < off+n; i += pageSize {
			sink += m.data[i]
		}
		sink += m.data[off+n-1]
	})
}
