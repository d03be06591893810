package grep

import (
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkRun runs a whole grep -c on $GREP_BENCH_FILE (skipped when
// unset), for profiling: go test -bench Run -cpuprofile cpu.out.
func BenchmarkRun(b *testing.B) {
	path := os.Getenv("GREP_BENCH_FILE")
	if path == "" {
		b.Skip("set GREP_BENCH_FILE to a large text file")
	}
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"literal-c", Options{Patterns: []string{"ERROR"}, Count: true}},
		{"literal-count-matches", Options{Patterns: []string{"the"}, CountMatches: true}},
		{"literal-c-frequent", Options{Patterns: []string{"the"}, Count: true}},
		{"prefilter-c", Options{Patterns: []string{`^2026-[0-9-]+T12:3`}, Count: true}},
		{"regex-c", Options{Patterns: []string{`\b[a-zA-Z]{5}\b`}, Count: true}},
	} {
		tc.o.MaxCount = -1
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if code := Run(context.Background(), tc.o, []string{path}, nil, io.Discard, io.Discard); code != Selected {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
