package main

import (
	"strings"
	"testing"
)

// Every size or offset flag takes the same units, and a bad one is a usage
// error that says what a size looks like, not a Go parser's message.
func TestSizeUnitsEverywhere(t *testing.T) {
	text := strings.Repeat("x", 1500) + "needle" + strings.Repeat("y", 600)
	file := writeFile(t, "sizes.txt", text)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"find", file, "needle", "--start", "1k"}, "1500\n"},
		{[]string{"find", file, "needle", "--start", "1KiB"}, "1500\n"},
		{[]string{"find", file, "needle", "--start", "2k"}, "-1\n"},
		{[]string{"find", file, "needle", "--start", "-1k"}, "1500\n"},
		{[]string{"rfind", file, "needle", "--end", "1k"}, "-1\n"},
		{[]string{"cat", file, "--offset", "1500", "--length", "6B"}, "needle"},
	} {
		if got := ok(t, tc.args...); got != tc.want {
			t.Errorf("mmap %q = %q, want %q", tc.args[:1], got, tc.want)
		}
	}
	for _, args := range [][]string{
		{"find", file, "needle", "--start", "1x"},
		{"find", file, "needle", "--end", "99999999999999999999"},
		{"cat", file, "--length", "-1"},
	} {
		r := cli(t, args...)
		checkError(t, args, r, 2)
		if strings.Contains(r.stderr, "strconv") || !strings.Contains(r.stderr, "like 4096") {
			t.Errorf("mmap %q: stderr %q", args, r.stderr)
		}
	}
}
