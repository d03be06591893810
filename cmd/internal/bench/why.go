package bench

import (
	"fmt"
	"strings"
	"time"
)

// why explains a row from what was measured in this run: which call the
// best column makes, and, for a row that missed a target, where the time
// goes, from the probes timed beside it. No figure here is a constant.
func (r *Report) why(res Result) string {
	var c Comparison
	for _, x := range Comparisons() {
		if x.Name == res.Name {
			c = x
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "best is %s. ", c.BestCall)
	b.WriteString(res.general())
	if r.Cache == "cold" {
		b.WriteString(" Cold cache: every column waits for the disk; read() streams through the kernel's readahead, and a map's fault reads a readahead window around the page it needs.")
	}
	if m := res.missed(); len(m) > 0 {
		fmt.Fprintf(&b, " Missed (%s). ", strings.Join(m, ", "))
		b.WriteString(res.timeGoes())
	}
	return strings.TrimSpace(b.String())
}

// general says what the regular and mmap columns do differently.
func (res Result) general() string {
	s := res.Speedup()
	mmapWins := s >= 1
	switch res.Name {
	case "read":
		if mmapWins {
			return fmt.Sprintf("mmap beats regular %.2fx: the map puts the page cache's pages in place and the bytes are used there, zero-copy; regular copies them once into a reused buffer. The text columns also decode UTF-8 into fresh memory.", s)
		}
		return fmt.Sprintf("regular beats mmap %.2fx: one pread copy into a reused buffer costs less than building the map's page tables. The text columns also decode UTF-8 into fresh memory.", 1/s)
	case "find", "seek_find":
		if mmapWins {
			return fmt.Sprintf("mmap beats regular %.2fx: it touches only the page of the first hit, at the fixed cost of open+mmap+one fault+munmap.", s)
		}
		return fmt.Sprintf("regular beats mmap %.2fx: the careful read loop stops at its first 64 KiB chunk, which holds the hit; mmap pays open+mmap+one fault+munmap. Mapping pays off on large files or far hits.", 1/s)
	case "regex":
		return fmt.Sprintf("compute-bound: regular/mmap %.2fx, both run go-re2 on every core (split at newlines); the engine, not the I/O, is the cost.", s)
	case "replace":
		if mmapWins {
			return fmt.Sprintf("mmap beats regular %.2fx: no temp file, one msync.", s)
		}
		return fmt.Sprintf("regular beats mmap %.2fx: the longer replacement moves every byte after the first hit, and through a shared map the first write to each page faults, where pwrite copies in the kernel; both wait for the disk.", 1/s)
	}
	return ""
}

// probe returns the probe whose name starts with prefix.
func (res Result) probe(prefix string) (Stats, bool) {
	for _, p := range res.Probes {
		if strings.HasPrefix(p.Name, prefix) {
			return p.Stats, true
		}
	}
	return Stats{}, false
}

// timeGoes says where a missing row's time goes, from its probes.
func (res Result) timeGoes() string {
	var b strings.Builder
	best, mm, py := res.Cells[Best], res.Cells[Mmap], res.Cells[PythonMmap]
	fmt.Fprintf(&b, "Measured beside it: best %s, mmap %s, python_mmap %s", dur(best.Median), dur(mm.Median), dur(py.Median))
	for _, p := range res.Probes {
		fmt.Fprintf(&b, "; %s %s", p.Name, dur(p.Stats.Median))
		if p.Stats.Faults >= 0 {
			fmt.Fprintf(&b, " [%s]", faultsText(p.Stats.Faults))
		}
	}
	fmt.Fprintf(&b, ". The %gx target needs best at most %s. ", BestTarget, dur(time.Duration(float64(py.Median)/BestTarget)))
	switch res.Name {
	case "find", "seek_find":
		if m, ok := res.probe("the same, touching"); ok {
			fmt.Fprintf(&b, "The bare system calls of a one-shot map (open, fstat, mmap, one fault, munmap, close) take %s of the mmap column's %s: the kernel's work of mapping, which python_mmap also does (with more calls: fstat, dup, lseek).", dur(m.Median), dur(mm.Median))
		}
		if p, ok := res.probe("raw open+pread"); ok {
			fmt.Fprintf(&b, " Reading 64 KiB instead takes %s", dur(p.Median))
			fmt.Fprintf(&b, ", the floor under best's %s.", dur(best.Median))
		}
	case "read":
		if m, ok := res.probe("raw open+fstat+mmap, touch"); ok {
			fmt.Fprintf(&b, "Mapping and faulting every page in with bare system calls takes %s, against best's %s: the page-table work is the cost, and Python's mmap pays it too", dur(m.Median), dur(best.Median))
			if c, ok := res.probe("copy"); ok {
				fmt.Fprintf(&b, ", plus the copy (%s) that ours skips", dur(c.Median))
			}
			b.WriteString(".")
		}
	case "regex":
		one, ok1 := res.probe("go-re2 alone over the bytes in memory, 1")
		all, ok2 := res.probe("go-re2 alone over the bytes in memory, split")
		if ok1 && ok2 {
			fmt.Fprintf(&b, "The engine alone, on bytes already in memory (no open, no map), takes %s against best's %s: the cost is compute, not I/O. Split over GOMAXPROCS goroutines it took %.2fx the time of one", dur(one.Median), dur(best.Median), ratio(all, one))
			b.WriteString("; CountRegexp splits go-re2 at newlines on every core too, so a split pays only where a second core is free and the engine runs pieces side by side.")
			if std, ok := res.probe("Open + CountRegexp with the standard"); ok {
				fmt.Fprintf(&b, " With the standard regexp, split on every core, CountRegexp took %.2fx best's time: go-re2 is the faster engine here.", ratio(std, best))
			}
		}
	case "replace":
		if ns, ok := res.probe("ReplaceFile without"); ok {
			fmt.Fprintf(&b, "Without WithSync ReplaceFile takes %s, so waiting for the disk (msync+fsync) is %s of best's %s; best takes %s page faults per call, the shared map's write faults as the tail moves.", dur(ns.Median), dur(best.Median-ns.Median), dur(best.Median), faultsText(best.Faults))
		}
	}
	return b.String()
}

// headline is the find row in one sentence, each ratio with its baseline:
// the careful read loop and the seed's Python mmap, from this run.
func (r *Report) headline() string {
	for _, res := range r.Results {
		if res.Name != "find" || !res.Has(Best) {
			continue
		}
		best, reg := res.Cells[Best], res.Cells[Regular]
		s := fmt.Sprintf("**Find the first \" the \"** in the file: `mmap.FindInFile` takes %s, %.2fx the time of a careful Go read loop (64 KiB, then 1 MiB chunks into a reused buffer, stopping at the first hit: %s)",
			dur(best.Median), float64(best.Median)/float64(reg.Median), dur(reg.Median))
		if res.Has(PythonMmap) {
			py := res.Cells[PythonMmap]
			s += fmt.Sprintf(" and %.1fx faster than the seed's Python mmap (%s; round by round)", res.VsPython[1].Median, dur(py.Median))
		}
		return s + "."
	}
	return ""
}
