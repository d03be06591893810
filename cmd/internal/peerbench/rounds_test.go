package peerbench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// A peer is one library's way of doing a benchmark's job; op makes one
// call. enter, when not nil, runs before each repetition, untimed, and
// returns what undoes it after.
type peer struct {
	name  string
	op    func() error
	enter func() (exit func())
}

// minRep is the least time one repetition of a peer lasts: long enough to
// average the bursts of a shared machine's load; -short (CI's smoke) takes
// less.
func minRep() time.Duration {
	if testing.Short() {
		return 10 * time.Millisecond
	}
	return 50 * time.Millisecond
}

// rounds is how many rounds interleave: fewer with -short, which CI's bench
// smoke uses.
func rounds() int {
	if testing.Short() {
		return 2
	}
	return 11
}

// interleave times peers in rounds (see the package doc) and reports each
// peer's median ns per call, and its ratio to the first peer, as metrics.
// It ignores b.N: run it with -benchtime 1x.
func interleave(b *testing.B, peers []peer) {
	b.Helper()
	rep := func(p peer, n int) time.Duration {
		if p.enter != nil {
			defer p.enter()()
		}
		t0 := time.Now()
		for range n {
			if err := p.op(); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
		}
		return time.Since(t0)
	}
	ns := make([]int, len(peers))
	for i, p := range peers {
		rep(p, 1) // warm
		n := 1
		for rep(p, n) < minRep() && n < 1e8 {
			n *= 2
		}
		ns[i] = n
	}
	R := rounds()
	per := make([][]float64, len(peers)) // ns per call, by peer, by round
	order := rand.New(rand.NewPCG(1, uint64(len(peers))))
	for range R {
		for _, i := range order.Perm(len(peers)) {
			per[i] = append(per[i], float64(rep(peers[i], ns[i]).Nanoseconds())/float64(ns[i]))
		}
	}
	b.StopTimer()
	var summary []string
	for i, p := range peers {
		med, _, _ := stats(per[i])
		if i == 0 {
			b.ReportMetric(med, p.name+"-ns/op")
			summary = append(summary, fmt.Sprintf("%s %.0f ns", p.name, med))
			continue
		}
		ratios := make([]float64, R)
		for r := range R {
			ratios[r] = per[i][r] / per[0][r]
		}
		rm, lo, hi := stats(ratios)
		b.ReportMetric(med, p.name+"-ns/op")
		b.ReportMetric(rm, p.name+"/"+peers[0].name)
		summary = append(summary, fmt.Sprintf("%s %.0f ns, x%.2f (%.2f-%.2f)", p.name, med, rm, lo, hi))
	}
	b.Logf("%d rounds: %s", R, strings.Join(summary, "; "))
}

// stats returns the median, min and max of xs.
func stats(xs []float64) (med, lo, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	med = s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return med, s[0], s[len(s)-1]
}
