package main

import (
	"os"
	"strings"
	"testing"
)

// shm ls quotes names that would not print as themselves on one line:
// control characters (a newline would fake a second segment, an escape
// sequence would drive the terminal), spaces, quotes, non-UTF-8 bytes.
func TestShmLsQuotesNames(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm")
	}
	base := "mmap-cli-test-ls-" + strings.Repeat("x", 3)
	names := map[string]string{
		base + "nl\nfake 64 -rw-------": `"` + base + `nl\nfake 64 -rw-------"`,
		base + "esc\x1b[31mred":         `"` + base + `esc\x1b[31mred"`,
		base + "tab\tsp ace":            `"` + base + `tab\tsp ace"`,
		base + "bad\xff":                `"` + base + `bad\xff"`,
		base + `q"uote`:                 `"` + base + `q\"uote"`,
		base + "plain.ü":                base + "plain.ü",
	}
	for name := range names {
		if err := os.WriteFile("/dev/shm/"+name, []byte("12345678"), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove("/dev/shm/" + name)
	}
	ls := ok(t, "shm", "ls")
	for name, want := range names {
		found := false
		for _, line := range strings.Split(ls, "\n") {
			if strings.HasPrefix(line, want+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("shm ls does not print %q as %s:\n%s", name, want, ls)
		}
	}
	if strings.Contains(ls, "\x1b") || strings.Contains(ls, "\t") || strings.Contains(ls, "\xff") {
		t.Errorf("shm ls printed a raw control character or invalid byte:\n%q", ls)
	}
}
