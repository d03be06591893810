// Package peerbench holds benchmarks that set this module's mmap package
// beside the other Go memory-map libraries (github.com/edsrzf/mmap-go,
// golang.org/x/exp/mmap) and plain os reads, in one run, so that claims of
// speed are ratios measured on the same machine at the same time:
//
//	go test -run '^$' -bench . -count 5 ./cmd/internal/peerbench
//
// It has no code of its own; the peers are imported by the tests only, so
// the library itself never depends on them.
package peerbench
