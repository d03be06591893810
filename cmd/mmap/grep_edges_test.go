package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a tester found grep getting wrong: the precedence of -l/-L over -c
// and of the last of -H/-h and -l/-L, inputs that cannot be mapped, and GNU
// syntax that RE2 would read otherwise. Compared with GNU grep.
func TestGrepFlagPrecedenceAndUnmappable(t *testing.T) {
	gnu := gnuGrep(t)
	dir := t.TempDir()
	for name, text := range map[string]string{"g1": "foo\nbar\n", "g2": "bar\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"-c", "-l", "foo", "g1", "g2"}, {"-c", "-L", "foo", "g1", "g2"}, {"-l", "-c", "foo", "g1", "g2"},
		{"-H", "-h", "foo", "g1", "g2"}, {"-h", "-H", "foo", "g1"}, {"-L", "-l", "foo", "g1", "g2"},
		{"-l", "-L", "foo", "g1", "g2"}, {"foo", "g1", "/dev/null"}, {"-c", "foo", "/dev/null"},
		{"-c", "Name", "/proc/self/status"}, {"foo", "."},
	} {
		runBoth(t, gnu, dir, nil, args...)
	}
}

func TestGrepRefusesGNUOnlySyntax(t *testing.T) {
	file := writeFile(t, "g.txt", "foo <foo> a{,2}\n")
	for _, p := range []string{`\<foo`, `foo\>`, `a{,2}`, `[[=a=]]`, `[[.a.]]`, "\\`foo", `foo\'`} {
		r := cli(t, "grep", p, file)
		checkError(t, []string{"grep", p}, r, 2)
		if !strings.Contains(r.stderr, "GNU grep syntax") {
			t.Errorf("grep %q: stderr %q does not say why", p, r.stderr)
		}
	}
	// Escaped, or with -F, they are what they say.
	for _, args := range [][]string{{`\\<foo`}, {"-F", `a{,2}`}, {"-F", `\<`}} {
		r := cli(t, append(append([]string{"grep", "-c"}, args...), file)...)
		if r.code > 1 {
			t.Errorf("grep %q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
