// Package peerbench holds benchmarks that set this module's mmap package
// beside the other Go memory-map libraries (github.com/edsrzf/mmap-go,
// golang.org/x/exp/mmap) and plain os reads, in one run, so that claims of
// speed are ratios measured on the same machine at the same time:
//
//	go test -run '^$' -bench . -benchtime 1x ./cmd/internal/peerbench
//
// Each benchmark times its peers itself, in rounds: every round makes one
// repetition of every peer (N calls, N chosen so that a repetition lasts
// at least 50 ms), in an order shuffled from round to round, so that drift
// on a shared machine meets every peer alike and none always follows the
// same one; -count would instead run the
// repetitions of one peer back to back. A peer's ns/op is its median over
// the rounds, and peer/mmapkit its time over ours, pair by pair within a
// round, median (min-max). Peers that scan run on as many goroutines as
// ours does (GOMAXPROCS), so parallelism is not what is compared.
//
// It has no code of its own; the peers are imported by the tests only, so
// the library itself never depends on them.
package peerbench
