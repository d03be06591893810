package main

import (
	"strings"
	"testing"
)

// TestBenchMarkdown: --markdown prints the README's block, headed by the
// command that made it, the file by its base name.
func TestBenchMarkdown(t *testing.T) {
	out := ok(t, "bench", "--markdown", "--runs", "1", "--size", "200k", "--only", "find")
	want := "`go run ./cmd/mmap bench --size 200k --only find --runs 1 --markdown`\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("first line: want %q\n%s", want, out)
	}
	for _, s := range []string{"**Find the first", "| comparison | seed_regular | regular | mmap | best |", "| find | ", "- **find**: best is FindInFile"} {
		if !strings.Contains(out, s) {
			t.Errorf("no %q in:\n%s", s, out)
		}
	}
}
