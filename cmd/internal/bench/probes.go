package bench

import (
	"os"
	"regexp"
	"sync"

	"github.com/mmapkit/mmap"
)

// A Probe is one extra measurement a row's "Why" cites: a part of the work
// timed on its own, in the same interleaved rounds as the cells (only with
// --python and a warm cache, where the targets apply).
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
		var data, out []byte
		ps = append(ps, probeOp{name: "copy of the file's bytes from memory to memory (what m.read() adds)", op: func(path string) (int, error) {
			if data == nil {
				var err error
				if data, err = os.ReadFile(path); err != nil {
					return 0, err
				}
				out = make([]byte, len(data))
			}
			return copy(out, data), nil
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
