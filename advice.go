package mmap

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
