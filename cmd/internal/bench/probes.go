package bench

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/mmapkit/mmap"
)

// A Probe is one extra measurement a row's "Why" cites: a part of the work
// timed on its own, with the same protocol as the cells.
type Probe struct {
	Name  string
	Stats Stats
}

type probeOp struct {
	name string
	op   Op
}

// probes returns the parts of comparison c worth timing on their own to
// say where its time goes.
func probes(c Comparison, path string) []probeOp {
	ps := rawProbes(c.Name, path)
	switch c.Name {
	case "read":
		var data []byte
		ps = append(ps, probeOp{name: "copy of the file's bytes from memory to memory (what m.read() adds)", op: func(path string) (int, error) {
			if data == nil {
				var err error
				if data, err = os.ReadFile(path); err != nil {
					return 0, err
				}
				regularOut = make([]byte, len(data))
			}
			return copy(regularOut, data), nil
		}})
	case "regex":
		var data []byte
		load := func(path string) error {
			if data != nil {
				return nil
			}
			var err error
			data, err = os.ReadFile(path)
			return err
		}
		ps = append(ps,
			probeOp{name: "go-re2 alone over the bytes in memory, 1 goroutine", op: func(path string) (int, error) {
				if err := load(path); err != nil {
					return 0, err
				}
				return len(fiveLetters().FindAllIndex(data, -1)), nil
			}},
			probeOp{name: "Open + CountRegexp with the standard regexp instead of go-re2", op: func(path string) (int, error) {
				m, err := mmap.Open(path)
				if err != nil {
					return 0, err
				}
				defer m.Close()
				return m.CountRegexp(stdFiveLetters())
			}},
			probeOp{name: "go-re2 alone over the bytes in memory, split over GOMAXPROCS goroutines", op: func(path string) (int, error) {
				if err := load(path); err != nil {
					return 0, err
				}
				return countParallel(len(data), func(lo, hi int) (int, error) {
					return len(fiveLetters().FindAllIndex(data[lo:hi], -1)), nil
				}, func(fn func([]byte) error) error { return fn(data) })
			}})
	case "replace":
		ps = append(ps, probeOp{name: "ReplaceFile without WithSync (no msync, no fsync)", op: func(path string) (int, error) {
			return mmap.ReplaceFile(path, []byte(needle), []byte(replacement), -1)
		}})
	}
	return ps
}

// stdFiveLetters is the seed's regex in the standard library's engine.
var stdFiveLetters = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(FiveLetterWords) })

// runProbes times c's probes on path, runs repetitions each, interleaved;
// a comparison that changes the file works on a copy in dir, restored
// before every call as the cells' is.
func runProbes(ctx context.Context, c Comparison, path, dir string, runs int) ([]Probe, error) {
	target := path
	var prep func() error
	if c.Mutates {
		target = filepath.Join(dir, "probe.txt")
		prep = func() error { return copyFile(target, path) }
	}
	ps := probes(c, target)
	cells := make([]goCell, len(ps))
	ns := make([]int, len(ps))
	for i, p := range ps {
		cells[i] = goCell{op: p.op, path: target, prepare: prep}
		if _, _, err := cells[i].warm(); err != nil {
			return nil, err
		}
		var err error
		if ns[i], err = autorange(cells[i], MinRep); err != nil {
			return nil, err
		}
	}
	times := make([][]time.Duration, len(ps))
	flts := make([][]float64, len(ps))
	for run := range runs {
		for k := range ps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			i := (run + k) % len(ps)
			d, f, err := cells[i].rep(ns[i])
			if err != nil {
				return nil, err
			}
			times[i] = append(times[i], d/time.Duration(ns[i]))
			if f >= 0 {
				flts[i] = append(flts[i], float64(f)/float64(ns[i]))
			}
		}
	}
	out := make([]Probe, len(ps))
	for i, p := range ps {
		s := summarize(times[i])
		s.Calls, s.Faults = ns[i], median(flts[i])
		out[i] = Probe{Name: p.name, Stats: s}
	}
	return out, nil
}
