package bench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Config says what Run measures.
type Config struct {
	File   string // the file to time; "" generates Size bytes of text
	Size   int64  // with File "": the size generated; with File: repeat File up to Size bytes (0: as is)
	Runs   int    // timed repetitions per cell
	Python bool   // also time the seed's own Python functions
	// Cold evicts the file from the page cache before every timed call, so
	// that each call reads from the disk (Linux only).
	Cold bool
	// Only, when not empty, limits the comparisons to these names.
	Only []string
	// MinRep overrides the least length of a repetition (MinRep); tests
	// set it tiny to make one call per repetition.
	MinRep time.Duration
	// TempDir holds generated files and copies; "" uses os.TempDir.
	TempDir string
	// Notes receives notes for the user (skipped parts); nil discards them.
	Notes io.Writer
	// Progress, if not nil, is called after each repetition with the
	// number done and the total.
	Progress func(done, total int)
}

// Stats summarises the repetitions of one cell.
type Stats struct {
	Median, Min, Max time.Duration // per call
	N                int           // repetitions
	Calls            int           // calls per repetition
	Faults           float64       // page faults per call, the median over repetitions; -1: unknown
}

func summarize(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stats{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s), Calls: 1}
}

func median(fs []float64) float64 {
	if len(fs) == 0 {
		return -1
	}
	s := slices.Clone(fs)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// Result is one comparison's row: a Stats per column (N == 0 when the
// column was not timed).
type Result struct {
	Name  string
	Cells [numColumns]Stats
	// Probes are the extra measurements the row's "Why" cites when it
	// missed a target (see probes).
	Probes []Probe
	// VsPython is python_mmap's time over the mmap and the best columns',
	// taken round by round (the two met the machine within one round),
	// median (min-max); N == 0 without Python.
	VsPython [2]RatioStats
}

// RatioStats summarises a ratio taken once per round.
type RatioStats struct {
	Median, Min, Max float64
	N                int
}

// pairwise returns num/den round by round, summarised.
func pairwise(num, den []time.Duration) RatioStats {
	var rs []float64
	for i := range min(len(num), len(den)) {
		if den[i] > 0 {
			rs = append(rs, float64(num[i])/float64(den[i]))
		}
	}
	if len(rs) == 0 {
		return RatioStats{}
	}
	slices.Sort(rs)
	return RatioStats{Median: median(rs), Min: rs[0], Max: rs[len(rs)-1], N: len(rs)}
}

// Has reports whether column c was timed.
func (r Result) Has(c Column) bool { return r.Cells[c].N > 0 }

// Speedup is regular over mmap, the medians' ratio.
func (r Result) Speedup() float64 { return ratio(r.Cells[Regular], r.Cells[Mmap]) }

func ratio(a, b Stats) float64 {
	if b.Median <= 0 || a.N == 0 || b.N == 0 {
		return 0
	}
	return float64(a.Median) / float64(b.Median)
}

// Report is what Run measured.
type Report struct {
	File    string // as given, or "generated"
	Bytes   int64
	Runs    int
	Cache   string // "warm": everything ran once, untimed, first; "cold": evicted before each call
	Python  string // the python3 version, when it ran
	MinRep  time.Duration
	Results []Result
}

// MinRep is the least time one repetition of a cell lasts: its number of
// calls is chosen, as timeit's autorange does, so that a repetition takes
// at least this long and the clock's resolution and one call's noise do not
// matter.
const MinRep = 10 * time.Millisecond

// Protocol says, in one paragraph for the output, how every cell is timed.
func (r *Report) Protocol() string {
	s := fmt.Sprintf("Protocol, the same in Go and Python: every cell runs once untimed (the columns' results are checked to agree), "+
		"then %d repetitions of N calls, N chosen per cell so that a repetition lasts at least %v; "+
		"the cell is the time per call, median (min–max) over the repetitions, with the page faults per call in brackets. "+
		"No forced GC in either language. The repetitions of all columns, Go and Python, are interleaved, "+
		"in an order shuffled from round to round, so both meet the same machine and no cell always follows the same one.", r.Runs, r.MinRep)
	if r.Cache == "cold" {
		s += " Before every call, untimed, the file is evicted from the page cache (and for replace, first restored)."
	} else {
		s += " replace restores its file (copy + fsync), untimed, before every call, identically in both."
	}
	return s
}

// A timer is one cell: one column's code on the bench's file.
type timer interface {
	// warm makes one untimed call and returns its result, and for a
	// comparison that changes the file, the SHA-256 of the file it left.
	warm() (check int, sum string, err error)
	// rep makes n calls and returns their total time and page faults.
	rep(n int) (time.Duration, int64, error)
}

// A goCell is a Go column's op on a file; prepare, when not nil, runs
// untimed before every call.
type goCell struct {
	op      Op
	path    string
	prepare func() error
	mutates bool
}

func (c goCell) warm() (int, string, error) {
	if c.prepare != nil {
		if err := c.prepare(); err != nil {
			return 0, "", err
		}
	}
	v, err := c.op(c.path)
	if err != nil || !c.mutates {
		return v, "", err
	}
	sum, err := fileSum(c.path)
	return v, fmt.Sprintf("%x", sum), err
}

func (c goCell) rep(n int) (_ time.Duration, flt int64, _ error) {
	if faults() < 0 {
		defer func() { flt = -1 }() // the OS gives no count: unknown, not 0
	}
	if c.prepare == nil {
		f0 := faults()
		t0 := time.Now()
		for range n {
			if _, err := c.op(c.path); err != nil {
				return 0, 0, err
			}
		}
		elapsed := time.Since(t0)
		return elapsed, faults() - f0, nil
	}
	var total time.Duration
	for range n {
		if err := c.prepare(); err != nil {
			return 0, 0, err
		}
		f0 := faults()
		t0 := time.Now()
		_, err := c.op(c.path)
		total += time.Since(t0)
		flt += faults() - f0
		if err != nil {
			return 0, 0, err
		}
	}
	return total, flt, nil
}

// autorange returns the number of calls, 1, 2, 5, 10, 20, 50, ..., from
// which one repetition of t lasts at least min.
func autorange(t timer, min time.Duration) (int, error) {
	for n := 1; ; {
		d, _, err := t.rep(n)
		if err != nil || d >= min || n >= 1e7 {
			return n, err
		}
		switch s := fmt.Sprint(n); s[0] {
		case '2':
			n = n / 2 * 5
		default:
			n *= 2
		}
	}
}

// A cell is a column and its timer, or a probe (see probes) and its timer.
type cell struct {
	col   Column
	probe string // not "": the cell is this probe, not column col
	t     timer
	n     int // calls per repetition
}

// Run times the comparisons as cfg says: see Report.Protocol.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Runs < 1 {
		return nil, fmt.Errorf("runs must be at least 1, not %d", cfg.Runs)
	}
	notes := cfg.Notes
	if notes == nil {
		notes = io.Discard
	}
	dir, err := os.MkdirTemp(cfg.TempDir, "mmap-bench-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	defer func() { regularBuf, regularOut = nil, nil }()
	path, name, err := prepare(cfg, dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", cfg.File)
	}
	rep := &Report{File: name, Bytes: fi.Size(), Runs: cfg.Runs, Cache: "warm", MinRep: MinRep}
	if cfg.MinRep > 0 {
		rep.MinRep = cfg.MinRep
	}
	if cfg.Cold {
		if err := evict(path); err != nil {
			return nil, fmt.Errorf("cold page cache: %w", err)
		}
		rep.Cache = "cold"
	}
	var py *pyServer
	if cfg.Python {
		py, err = startPython(ctx, path, dir, cfg.Cold)
		switch {
		case errors.Is(err, errNoPython):
			fmt.Fprintln(notes, "mmap bench: python3 not found; the python columns are skipped")
		case err != nil:
			return nil, err
		default:
			defer py.close()
			rep.Python = py.Version
		}
	}
	var comps []Comparison
	for _, c := range Comparisons() {
		if len(cfg.Only) == 0 || slices.Contains(cfg.Only, c.Name) {
			comps = append(comps, c)
		}
	}
	b := &bencher{cold: cfg.Cold, path: path, work: filepath.Join(dir, "work.txt"), progress: cfg.Progress, minRep: rep.MinRep}
	var all [][]*cell
	for _, c := range comps {
		cells := b.cells(c, py)
		all = append(all, cells)
		b.total += len(cells) * (cfg.Runs + 1)
	}
	for k, c := range comps {
		cells := all[k]
		if err := b.warm(c, cells); err != nil {
			return nil, err
		}
		res, err := b.timed(ctx, c, cells, cfg.Runs)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// prepare returns the path of the file to time, made in dir when cfg asks
// for a generated or repeated one, and its name for the report.
func prepare(cfg Config, dir string) (path, name string, err error) {
	if cfg.File != "" && cfg.Size <= 0 {
		return cfg.File, cfg.File, nil
	}
	size := cfg.Size
	if size <= 0 {
		size = DefaultSize
	}
	// The file and the copy the replace runs work on.
	if err := checkSpace(dir, 2*size); err != nil {
		return "", "", err
	}
	if cfg.File == "" {
		path = filepath.Join(dir, "generated.txt")
		return path, "generated", GenerateFile(path, size)
	}
	path = filepath.Join(dir, "repeated.txt")
	return path, cfg.File + " repeated", RepeatFile(path, cfg.File, size)
}

// A bencher runs the cells of the comparisons on one file.
type bencher struct {
	cold        bool   // evict the file before every timed call
	path, work  string // the file, and the copy that mutating calls change
	done, total int
	progress    func(done, total int)
	minRep      time.Duration
}

func (b *bencher) step() {
	b.done++
	if b.progress != nil {
		b.progress(b.done, b.total)
	}
}

// target returns the file c's calls work on.
func (b *bencher) target(c Comparison) string {
	if c.Mutates {
		return b.work
	}
	return b.path
}

// cells returns c's cells, the Go columns' and, with py, the Python ones.
func (b *bencher) cells(c Comparison, py *pyServer) []*cell {
	target := b.target(c)
	var prep func() error
	switch {
	case c.Mutates:
		prep = func() error {
			if err := copyFile(target, b.path); err != nil {
				return err
			}
			if b.cold {
				return evict(target)
			}
			return nil
		}
	case b.cold:
		prep = func() error { return evict(target) }
	}
	var cells []*cell
	for _, col := range goColumns {
		if c.Ops[col] != nil {
			cells = append(cells, &cell{col: col, t: goCell{op: c.Ops[col], path: target, prepare: prep, mutates: c.Mutates}})
		}
	}
	if py != nil {
		for _, col := range pyColumns {
			cells = append(cells, &cell{col: col, t: pyCell{s: py, name: c.Name, col: col}})
		}
		if !b.cold {
			// The parts a row's reason cites, timed in the same rounds.
			for _, p := range probes(c, target) {
				cells = append(cells, &cell{probe: p.name, t: goCell{op: p.op, path: target, prepare: prep}})
			}
		}
	}
	return cells
}

// textColumn reports whether c works on decoded text, counting characters.
func textColumn(c Column) bool { return c == SeedRegular || c == PythonRegular }

// warm runs every cell of c once, untimed, checks that they agree, and
// picks each one's number of calls per repetition. The columns agree on
// the value they return (the text columns among themselves, counting
// characters, the others in bytes), or for a comparison that changes the
// file, on the file they leave.
func (b *bencher) warm(c Comparison, cells []*cell) error {
	type first struct {
		col Column
		v   int
		set bool
	}
	var text, raw first
	var sum0 string
	var sumCol Column
	for i, ce := range cells {
		v, sum, err := ce.t.warm()
		if err != nil {
			return fmt.Errorf("%s, %s: %w", c.Name, ce.name(), err)
		}
		switch f := &raw; {
		case ce.probe != "": // a part of the work: nothing to agree on
		case c.Mutates:
			if i == 0 {
				sum0, sumCol = sum, ce.col
			} else if sum != sum0 {
				return fmt.Errorf("%s: %s left another file than %s", c.Name, ce.col, sumCol)
			}
		default:
			if textColumn(ce.col) {
				f = &text
			}
			if !f.set {
				*f = first{ce.col, v, true}
			} else if v != f.v {
				return fmt.Errorf("%s: %s got %d, %s got %d", c.Name, ce.col, v, f.col, f.v)
			}
		}
		if ce.n, err = autorange(ce.t, b.minRep); err != nil {
			return fmt.Errorf("%s, %s: %w", c.Name, ce.name(), err)
		}
		b.step()
	}
	return nil
}

// timed times runs repetitions of every cell of c, interleaved: each round
// makes one repetition of every cell, in an order shuffled from round to
// round (a fixed seed, so runs are alike), so that no cell always follows
// another's garbage or idle time: a rotation would keep each cell's
// predecessor.
func (b *bencher) timed(ctx context.Context, c Comparison, cells []*cell, runs int) (Result, error) {
	times := make([][]time.Duration, len(cells))
	flts := make([][]float64, len(cells))
	order := rand.New(rand.NewPCG(0x6d6d6170, uint64(len(cells))))
	for range runs {
		for _, i := range order.Perm(len(cells)) {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			ce := cells[i]
			d, f, err := ce.t.rep(ce.n)
			if err != nil {
				return Result{}, fmt.Errorf("%s, %s: %w", c.Name, ce.name(), err)
			}
			times[i] = append(times[i], d/time.Duration(ce.n))
			if f >= 0 {
				flts[i] = append(flts[i], float64(f)/float64(ce.n))
			}
			b.step()
		}
	}
	res := Result{Name: c.Name}
	var byCol [numColumns][]time.Duration
	for i, ce := range cells {
		s := summarize(times[i])
		s.Calls, s.Faults = ce.n, median(flts[i])
		if ce.probe != "" {
			res.Probes = append(res.Probes, Probe{Name: ce.probe, Stats: s})
		} else {
			res.Cells[ce.col] = s
			byCol[ce.col] = times[i]
		}
	}
	if c.Ops[Best] == nil {
		res.Cells[Best] = res.Cells[Mmap]
		byCol[Best] = byCol[Mmap]
	}
	for k, col := range []Column{Mmap, Best} {
		res.VsPython[k] = pairwise(byCol[PythonMmap], byCol[col])
	}
	return res, nil
}

func (ce *cell) name() string {
	if ce.probe != "" {
		return ce.probe
	}
	return ce.col.String()
}

func fileSum(path string) ([32]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [32]byte{}, err
	}
	return [32]byte(h.Sum(nil)), nil
}

// ErrNoSpace is returned when the temporary directory cannot hold the files
// a run needs.
var ErrNoSpace = errors.New("not enough free disk space")
