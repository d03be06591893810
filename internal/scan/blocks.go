package scan

import (
	"sync"
	"sync/atomic"
)

// plan is the one parallel driver: it splits [lo, hi) into n blocks of
// size bytes (the last may be shorter), enough that a slow goroutine (the
// machine may be shared) does not hold the others up, few enough that each
// call is long.
type plan struct {
	lo, hi, size, n, workers int
}

func split(t *Tuning, lo, hi int) plan {
	p := t.workers()
	size := max(min(max((hi-lo)/(4*p), t.MinBlock), t.MaxBlock), 1)
	return plan{lo: lo, hi: hi, size: size, n: (hi - lo + size - 1) / size, workers: p}
}

// block returns the range of block k.
func (p plan) block(k int) (bs, be int) {
	bs = p.lo + k*p.size
	return bs, min(bs+p.size, p.hi)
}

// run calls fn(k, bs, be) for every block on up to p.workers goroutines,
// which take the blocks in order (from the end when backwards is set), and
// returns when all are done.
func (p plan) run(backwards bool, fn func(k, bs, be int)) {
	each(p.workers, p.n, func(k int) {
		if backwards {
			k = p.n - 1 - k
		}
		bs, be := p.block(k)
		fn(k, bs, be)
	})
}

// each calls fn(k) for every k in [0, n) on up to p goroutines, which take
// the ks in order.
func each(p, n int, fn func(k int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(p, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		}()
	}
	wg.Wait()
}
