package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmapkit/mmap/internal/platformtest"
)

// gnuGrep returns the path of GNU grep, or skips the test.
func gnuGrep(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("grep")
	if err != nil {
		t.Skip("no grep on PATH")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil || !bytes.Contains(out, []byte("GNU grep")) {
		t.Skipf("%s is not GNU grep", path)
	}
	return path
}

// genText writes a deterministic ASCII text of about n lines, with what
// trips line logic up: empty lines, blank lines, words at the line's ends,
// punctuation around words, repeated and adjacent words, no final newline.
func genText(seed uint64, lines int, finalNewline bool) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	words := []string{"the", "foo", "bar", "baz", "foobar", "foofoo", "ERROR", "error", "Error", "abc", "ab",
		"abcd", "cde", "x", "xx", "id=42", "id=7", "@foo", "foo@", "a.c", "a-c", "_foo", "ending", "thing", "The",
		"oo", "ooo", "fooo", "2026", "12", "baz;", "(foo)", "[bar]", "end", "tend"}
	var b bytes.Buffer
	for i := range lines {
		switch r.IntN(12) {
		case 0:
		case 1:
			b.WriteString(strings.Repeat(" ", r.IntN(3)+1))
		default:
			for j := range r.IntN(8) + 1 {
				if j > 0 {
					b.WriteString([]string{" ", " ", "  ", "\t", ",", ""}[r.IntN(6)])
				}
				b.WriteString(words[r.IntN(len(words))])
			}
		}
		if i < lines-1 || finalNewline {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// grepPatterns are patterns that GNU grep -E and Go's RE2 syntax both
// accept and mean the same by.
var grepPatterns = []string{
	"foo", "ERROR", "the", "^the", "end$", "^$", "^", "$", "a.c", "[0-9]+", "[A-Z][a-z]+", `\bthe\b`,
	`\w+ing`, "(ab|cd)e", "x*", "fo+", "^[^ ]+$", "o{2,}", "(foo|bar)baz", `\.`, "a|ab|abc", " ", "id=[0-9]+",
	"^ *$", "foo$", "@foo", "o", "[[:upper:]]+", `\(foo\)`, "foo|id", "^(foo|bar)", "t.*d", "e[^ ]*",
}

// grepFlags are the flag sets tried with every pattern.
var grepFlags = [][]string{
	{}, {"-c"}, {"-o"}, {"-n"}, {"-i"}, {"-v"}, {"-w"}, {"-x"}, {"-F"}, {"-l"}, {"-L"}, {"-q"},
	{"-m", "2"}, {"-on"}, {"-cv"}, {"-ow"}, {"-ov"}, {"-ni"}, {"-wc"}, {"-xc"}, {"-iw"}, {"-vn"},
	{"-H"}, {"-h"}, {"-c", "-m", "3"}, {"-lv"}, {"-oiw"}, {"-nw"}, {"-Fc"}, {"-Fo"}, {"-Fw"}, {"-Fx"},
	{"-Fi"}, {"-vx"}, {"-m1", "-n"}, {"-ox"}, {"-wv"}, {"-Lv"}, {"-iv", "-c"}, {"-o", "-m", "2"},
}

// runBoth runs GNU grep -E and mmap grep with args and stdin, with LC_ALL=C,
// and reports any difference in stdout, exit status or stderr (after the
// program's name).
func runBoth(t *testing.T, gnu, dir string, stdin []byte, args ...string) {
	t.Helper()
	run := func(name string, argv ...string) (string, string, int) {
		cmd := exec.Command(name, argv...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if stdin != nil {
			cmd.Stdin = bytes.NewReader(stdin)
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		code := exitCode(t, cmd.Run())
		return out.String(), errb.String(), code
	}
	mode := "-E" // grep refuses -E with -F
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Contains(a, "F") {
			mode = "-F"
		}
	}
	wantOut, wantErr, wantCode := run(gnu, append([]string{mode}, args...)...)
	gotOut, gotErr, gotCode := run(bin, append([]string{"grep"}, args...)...)
	wantErr = strings.ReplaceAll(wantErr, gnu+":", "mmap:")
	if gotOut != wantOut || gotCode != wantCode || gotErr != wantErr {
		t.Errorf("grep %q:\n got exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr %q",
			args, gotCode, clip(gotOut), gotErr, wantCode, clip(wantOut), wantErr)
	}
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// TestGrepAgainstGNU runs every pattern with every flag set through GNU
// grep -E and mmap grep on generated files (one file, several, standard
// input) and wants the same bytes out and the same exit status.
func TestGrepAgainstGNU(t *testing.T) {
	gnu := gnuGrep(t)
	dir := t.TempDir()
	files := []string{"a.txt", "b.txt", "empty.txt"}
	texts := [][]byte{genText(1, 300, true), genText(2, 150, false), nil}
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), texts[i], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// -short (the emulated platforms, where each CLI process costs about
	// 0.1 s) runs every pattern and every flag set, but only an eighth of
	// their pairs, spread so that no pattern or flag set is left out.
	sample := func(i, j int) bool { return !testing.Short() || (i+j)%8 == 0 }
	for i, p := range grepPatterns {
		for j, flags := range grepFlags {
			if !sample(i, j) {
				continue
			}
			args := append(append([]string{}, flags...), "-e", p)
			runBoth(t, gnu, dir, nil, append(args, "a.txt")...)
			runBoth(t, gnu, dir, nil, append(args, "a.txt", "b.txt", "empty.txt")...)
		}
		// Standard input, named "-" or not named, and the first argument as the pattern.
		if !sample(i, 0) && !sample(i, 4) {
			continue
		}
		runBoth(t, gnu, dir, texts[1], "-n", p)
		runBoth(t, gnu, dir, texts[1], "-c", p, "-", "a.txt")
		runBoth(t, gnu, dir, texts[1], "-H", "-o", p)
	}
	// Several patterns, and a pattern with a newline (two patterns).
	for _, args := range [][]string{
		{"-e", "foo", "-e", "bar"}, {"-o", "-e", "a", "-e", "ab"}, {"-c", "-e", "^the", "-e", "end$"},
		{"-w", "-e", "foo", "-e", "@foo"}, {"-F", "-e", "a.c", "-e", "id="}, {"-n", "foo\nbar"},
		{"-o", "-i", "-e", "error", "-e", "x"}, {"-x", "-e", "", "-e", "foo"}, {"-c", ""}, {"-o", ""},
		{"-w", ""}, {"-cw", ""}, {"-x", ""}, {"-v", ""}, {"-F", ""}, {"-m", "0", "foo"},
	} {
		runBoth(t, gnu, dir, nil, append(args, "a.txt", "b.txt")...)
	}
}

// TestGrepLargeAgainstGNU checks a file of many chunks (searched on every
// core, output in order) against GNU grep.
func TestGrepLargeAgainstGNU(t *testing.T) {
	gnu := gnuGrep(t)
	dir := t.TempDir()
	var big []byte
	for i := 0; len(big) < 5<<20; i++ {
		big = append(big, genText(uint64(100+i), 1000, true)...)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.txt"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-c", "foo"}, {"-c", "ERROR"}, {"-cv", "foo"}, {"-n", "id=42"}, {"-c", `\b[a-zA-Z]{5}\b`},
		{"-n", "^x$"}, {"-o", "-n", "fooo"}, {"-c", "-w", "foo"}, {"-c", "^$"}, {"-m", "1000", "-n", "the"},
		{"-l", "tend"}, {"-c", "e[^ ]*d$"}, {"-c", "-i", "error"}, {"-vn", "o"},
	} {
		runBoth(t, gnu, dir, nil, append(args, "big.txt")...)
	}
}

// TestGrepBinary checks files with NUL bytes: a NUL ends a line, and a
// selected line prints "binary file matches" on stderr, as GNU grep 3.5
// and later do.
func TestGrepBinary(t *testing.T) {
	gnu := gnuGrep(t)
	dir := t.TempDir()
	for i, content := range []string{
		"abc\x00def\nfoo\n", "foo\x00foo\nfoo\n", "nothing here\x00\n", "x\x00\x00\n\x00foo", "\x00",
	} {
		name := fmt.Sprintf("bin%d", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"foo"}, {"-c", "foo"}, {"-c", "abc.*def"}, {"-c", "def"}, {"-v", "foo"}, {"-cv", "foo"},
			{"-o", "foo"}, {"-l", "foo"}, {"-L", "foo"}, {"-q", "foo"}, {"-n", "zzz"}, {"-c", "^"},
			{"-c", "^foo$"}, {"-cx", ""}, {"-H", "f"},
		} {
			runBoth(t, gnu, dir, nil, append(args, name)...)
		}
	}
}

// TestGrepCountMatches checks --count-matches against the number of lines
// grep -o prints, which is the number of non-empty matches.
func TestGrepCountMatches(t *testing.T) {
	gnu := gnuGrep(t)
	dir := t.TempDir()
	text := genText(3, 2000, true)
	path := filepath.Join(dir, "t.txt")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"foo", "o", "oo", "the", `\b[a-zA-Z]{5}\b`, "[0-9]+", "ERROR|error"} {
		for _, flags := range [][]string{{}, {"-i"}, {"-w"}, {"-F"}} {
			mode := "-E"
			if len(flags) > 0 && flags[0] == "-F" {
				mode = "-F"
			}
			cmd := exec.Command(gnu, append(append([]string{mode, "-o"}, flags...), "-e", p, path)...)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, _ := cmd.Output()
			want := fmt.Sprintf("%d\n", bytes.Count(out, []byte{'\n'}))
			args := append(append([]string{"grep", "--count-matches"}, flags...), "-e", p, path)
			if got := cli(t, args...).stdout; got != want {
				t.Errorf("mmap %q = %q, want %q (grep -o | wc -l)", args, got, want)
			}
		}
	}
}

// TestGrepStdinFile reads standard input that is a regular file (mapped)
// and one that is a pipe (read): the same output as GNU grep either way.
func TestGrepStdinFile(t *testing.T) {
	gnu := gnuGrep(t)
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, genText(7, 500, false), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-n", "foo"}, {"-c", "the"}, {"-H", "-o", "ab"}, {"-"}} {
		if args[0] == "-" {
			args = []string{"end$", "-"}
		}
		var outs [2]string
		for i, name := range []string{gnu, bin} {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			argv := args
			if name == bin {
				argv = append([]string{"grep"}, args...)
			} else {
				argv = append([]string{"-E"}, args...)
			}
			cmd := exec.Command(name, argv...)
			cmd.Stdin = f
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, _ := cmd.Output()
			f.Close()
			outs[i] = string(out)
		}
		if outs[0] != outs[1] {
			t.Errorf("grep %q < file: %q, GNU grep %q", args, clip(outs[1]), clip(outs[0]))
		}
	}
}

// TestGrepCountMatchesStatus: --count-matches exits 0 when a line is
// selected, even by an empty match, and 1 when none is.
func TestGrepCountMatchesStatus(t *testing.T) {
	path := writeFile(t, "s.txt", "abc\nxyz\n")
	for _, tc := range []struct {
		pattern, out string
		code         int
	}{{"b", "1\n", 0}, {"q*", "0\n", 0}, {"q", "0\n", 1}} {
		r := cli(t, "grep", "--count-matches", tc.pattern, path)
		if r.stdout != tc.out || r.code != tc.code {
			t.Errorf("grep --count-matches %q: %q exit %d, want %q exit %d", tc.pattern, r.stdout, r.code, tc.out, tc.code)
		}
	}
}

// TestGrepTruncatedWhileSearched cuts a file while grep prints its lines to
// a pipe nobody reads yet: the search of the pages gone is one error line
// and exit 2, never a crash or "internal error".
func TestGrepTruncatedWhileSearched(t *testing.T) {
	platformtest.SkipUnlessTruncationFaults(t)
	path := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(path, bytes.Repeat([]byte("some line of text\n"), 1<<20), 0o644); err != nil { // 18 MiB
		t.Fatal(err)
	}
	r, n := truncatedWhileWriting(t, path, "grep", "line", path)
	if n >= 18<<20 {
		t.Skipf("grep printed the whole file before the truncation")
	}
	checkError(t, []string{"grep", "line", path}, r, 2)
	if strings.Contains(r.stderr, "internal error") {
		t.Errorf("stderr %q", r.stderr)
	}
}
