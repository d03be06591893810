package bench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"time"
)

// Config says what Run measures.
type Config struct {
	File   string // the file to time; "" generates Size bytes of text
	Size   int64  // with File "": the size generated; with File: repeat File up to Size bytes (0: as is)
	Runs   int    // timed runs per cell
	Python bool   // also time the seed's own Python functions
	// Cold evicts the file from the page cache before every timed run, so
	// that each run reads from the disk (Linux only).
	Cold bool
	// Only, when not empty, limits the comparisons to these names.
	Only []string
	// TempDir holds generated files and copies; "" uses os.TempDir.
	TempDir string
	// Notes receives notes for the user (skipped parts); nil discards them.
	Notes io.Writer
	// Progress, if not nil, is called after each run with the number done
	// and the total.
	Progress func(done, total int)
}

// Stats summarises the runs of one cell.
type Stats struct {
	Median, Min, Max time.Duration
	N                int
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
	return Stats{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Result is one comparison's row: a Stats per column (N == 0 when the
// column was not timed).
type Result struct {
	Name  string
	Cells [numColumns]Stats
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
	Cache   string // "warm": everything ran once, untimed, first; "cold": evicted before each run
	Python  string // the python3 version, when it ran
	Results []Result
}

// Run times the comparisons as cfg says. The page cache is warmed by one
// untimed run of every cell, which also checks that the columns agree.
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
	rep := &Report{File: name, Bytes: fi.Size(), Runs: cfg.Runs, Cache: "warm"}
	if cfg.Cold {
		if err := evict(path); err != nil {
			return nil, fmt.Errorf("cold page cache: %w", err)
		}
		rep.Cache = "cold"
	}
	var comps []Comparison
	for _, c := range Comparisons() {
		if len(cfg.Only) == 0 || slices.Contains(cfg.Only, c.Name) {
			comps = append(comps, c)
		}
	}
	b := &bencher{cold: cfg.Cold, path: path, work: filepath.Join(dir, "work.txt"), total: len(comps) * len(goColumns) * (cfg.Runs + 1), progress: cfg.Progress}
	runtime.LockOSThread() // see timed
	defer runtime.UnlockOSThread()
	for _, c := range comps {
		if err := b.warm(c); err != nil {
			return nil, err
		}
		times, err := b.timed(ctx, c, cfg.Runs)
		if err != nil {
			return nil, err
		}
		res := Result{Name: c.Name}
		for _, col := range goColumns {
			res.Cells[col] = summarize(times[col])
		}
		// The seed's Python functions run right after the Go columns of
		// the same comparison, so that both meet the same machine.
		if cfg.Python {
			py, err := runPython(ctx, path, dir, cfg.Runs, cfg.Cold, c.Name)
			switch {
			case errors.Is(err, errNoPython):
				fmt.Fprintln(notes, "mmap bench: python3 not found; the python columns are skipped")
				cfg.Python = false
			case err != nil:
				return nil, err
			default:
				rep.Python = py.Version
				res.Cells[PythonRegular] = py.Results[c.Name]["regular"].stats()
				res.Cells[PythonMmap] = py.Results[c.Name]["mmap"].stats()
			}
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
	cold        bool   // evict the file before every timed run
	path, work  string // the file, and the copy that mutating runs change
	done, total int
	progress    func(done, total int)
}

func (b *bencher) step() {
	b.done++
	if b.progress != nil {
		b.progress(b.done, b.total)
	}
}

// target returns the file c's next run works on: for a comparison that
// changes it, a fresh copy, made now.
func (b *bencher) target(c Comparison) (string, error) {
	if !c.Mutates {
		return b.path, nil
	}
	return b.work, copyFile(b.work, b.path)
}

// warm runs every column of c once, untimed, and checks that they agree:
// on the value they return, or for a comparison that changes the file, on
// the file they leave.
func (b *bencher) warm(c Comparison) error {
	var first int
	var firstSum [32]byte
	for i, col := range goColumns {
		target, err := b.target(c)
		if err != nil {
			return err
		}
		got, err := c.Ops[col](target)
		if err != nil {
			return fmt.Errorf("%s, %s: %w", c.Name, col, err)
		}
		if c.Mutates {
			sum, err := fileSum(target)
			switch {
			case err != nil:
				return err
			case i == 0:
				firstSum = sum
			case sum != firstSum:
				return fmt.Errorf("%s: %s left another file than %s", c.Name, col, goColumns[0])
			}
		} else if i == 0 {
			first = got
		} else if got != first {
			return fmt.Errorf("%s: %s got %d, %s got %d", c.Name, col, got, goColumns[0], first)
		}
		b.step()
	}
	return nil
}

// timed times runs runs of every Go column of c.
//
// Each run starts on the same OS thread (Run locks it), after a GC that
// also returns the free heap to the OS, and a short spin. Returning the heap
// now keeps the runtime's background scavenger (madvise DONTNEED, which
// flushes TLBs) out of the timed run, and makes every column that allocates
// pay for fresh memory, as Python's large allocations always do. The spin
// matters because waiting for the GC lets the vCPU go idle, and the first
// microseconds after it wakes run several times slower (measured: Open+Find
// 40 µs back to back, 90-150 µs after an idle wait). Python's gc.collect()
// leaves its thread running too.
func (b *bencher) timed(ctx context.Context, c Comparison, runs int) ([numColumns][]time.Duration, error) {
	var times [numColumns][]time.Duration
	for run := range runs {
		// Rotate the order of the columns from run to run, so that no
		// column always runs right after another's garbage.
		for k := range goColumns {
			if err := ctx.Err(); err != nil {
				return times, err
			}
			col := goColumns[(run+k)%len(goColumns)]
			target, err := b.target(c)
			if err != nil {
				return times, err
			}
			if b.cold {
				if err := evict(target); err != nil {
					return times, err
				}
			}
			debug.FreeOSMemory()
			spin(200 * time.Microsecond)
			t0 := time.Now()
			_, err = c.Ops[col](target)
			d := time.Since(t0)
			if err != nil {
				return times, fmt.Errorf("%s, %s: %w", c.Name, col, err)
			}
			times[col] = append(times[col], d)
			b.step()
		}
	}
	return times, nil
}

// spin keeps the CPU busy for d.
func spin(d time.Duration) {
	for t0 := time.Now(); time.Since(t0) < d; {
	}
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
