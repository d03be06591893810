package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap/internal/platformtest"
)

// bin is the mmap binary TestMain builds once.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mmap-cli-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// "-o dir/" lets go build name the binary (mmap.exe on Windows), and
	// exec finds it as dir/mmap. MMAP_TEST_CLI names a CLI built beforehand
	// for where no Go toolchain runs (Wine in .ci/platforms).
	bin = filepath.Join(dir, "mmap")
	var out []byte
	if b := os.Getenv("MMAP_TEST_CLI"); b != "" {
		bin = b
	} else {
		out, err = exec.Command("go", "build", "-o", dir+string(filepath.Separator), ".").CombinedOutput()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// cli runs the binary with args.
func cli(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Errorf("mmap %q: %v", args, err)
		code = -1
	}
	return result{stdout.String(), stderr.String(), code}
}

// ok runs args, expects exit 0 and an empty stderr, and returns stdout.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	r := cli(t, args...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("mmap %q: exit %d, stderr %q", args, r.code, r.stderr)
	}
	return r.stdout
}

// checkError checks r is an error of the contract: exit code, one line on
// stderr that starts with "mmap: ", no panic trace.
func checkError(t *testing.T, args []string, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("mmap %q: exit %d, want %d (stderr %q)", args, r.code, code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "mmap: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("mmap %q: stderr is not one line starting with \"mmap: \": %q", args, r.stderr)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Errorf("mmap %q: panic trace: %q", args, r.stderr)
	}
	if goOption.MatchString(r.stderr) {
		t.Errorf("mmap %q: the error names a Go option, not a flag: %q", args, r.stderr)
	}
}

// goOption matches the name of a library option (WithGrow, WithLength...).
var goOption = regexp.MustCompile(`\bWith[A-Z]`)

// TestErrorsNameFlags reads the errors a shell user meets where the library
// would name its options: the flag or the fix is named instead.
// TestBenchChartCheckedFirst: a --chart path that cannot be written fails
// at once, before the minutes of measuring.
func TestBenchChartCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	for _, chart := range []string{filepath.Join(dir, "no", "c.svg"), filepath.Join(dir, "c.gif")} {
		start := time.Now()
		r := cli(t, "bench", "--sizes", "--chart", chart)
		checkError(t, []string{"bench", "--chart", chart}, r, 1)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("bench --chart %s failed after %v: the path was not checked first", chart, d)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the check left %d files", len(entries))
	}
}

func TestErrorsNameFlags(t *testing.T) {
	file := writeFile(t, "f.txt", "hello")
	_, noDevZero := os.Stat("/dev/zero")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"cat", "/dev/zero"}, "--length"},
		{[]string{"cat", file, "--length", "6"}, "--length 5"},
		{[]string{"cat", file, "--offset", "6"}, "--offset"},
	} {
		if tc.args[1] == "/dev/zero" && noDevZero != nil {
			t.Logf("not run: mmap %q: no /dev/zero here", tc.args)
			continue
		}
		r := cli(t, tc.args...)
		checkError(t, tc.args, r, 1)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("mmap %q: stderr %q does not say %q", tc.args, r.stderr, tc.want)
		}
	}
	if noDevZero != nil {
		t.Log("not run: cat /dev/zero --length 1KiB: no /dev/zero here")
	} else if got := ok(t, "cat", "/dev/zero", "--length", "1KiB"); got != strings.Repeat("\x00", 1024) {
		t.Errorf("cat /dev/zero --length 1KiB: %d bytes, want 1024", len(got))
	}
	if got := ok(t, "--version"); !strings.HasPrefix(got, "mmap ") {
		t.Errorf("mmap --version = %q", got)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFindAgainstPython compares find and rfind with Python's mmap.find and
// mmap.rfind for every start and end in range(-n-2, n+2), and start alone.
func TestFindAgainstPython(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts about 800 CLI processes (9 minutes under qemu-user)")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	const content = "abcab\nb"
	n := len(content)
	path := writeFile(t, "small.txt", content)
	needles := []string{"ab", "b", ""}
	script := `
import json, mmap, sys
path, n = sys.argv[1], int(sys.argv[2])
needles = json.loads(sys.argv[3])
f = open(path, "rb")
m = f.read()  # bytes: mmap.find follows bytes.find past the end only since 3.15 (gh-151021)
out = {}
for op in ("find", "rfind"):
    for s in needles:
        for start in range(-n - 2, n + 2):
            out["%s|%s|%d" % (op, s, start)] = getattr(m, op)(s.encode(), start)
            for end in range(-n - 2, n + 2):
                out["%s|%s|%d|%d" % (op, s, start, end)] = getattr(m, op)(s.encode(), start, end)
print(json.dumps(out))
`
	ns, _ := json.Marshal(needles)
	out, err := exec.Command(py, "-c", script, path, strconv.Itoa(n), string(ns)).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want map[string]int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	// Four processes at a time: most of each run is process start-up.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	check := func(key string, args ...string) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := cli(t, args...)
			if got := strings.TrimSpace(r.stdout); r.code != 0 || r.stderr != "" || got != strconv.Itoa(want[key]) {
				t.Errorf("mmap %q = %s (exit %d, stderr %q), Python says %d", args, got, r.code, r.stderr, want[key])
			}
		})
	}
	for _, op := range []string{"find", "rfind"} {
		for _, s := range needles {
			for start := -n - 2; start < n+2; start++ {
				st := strconv.Itoa(start)
				// Flags after the arguments, and before them.
				check(fmt.Sprintf("%s|%s|%d", op, s, start), op, path, s, "--start", st)
				for end := -n - 2; end < n+2; end++ {
					check(fmt.Sprintf("%s|%s|%d|%d", op, s, start, end), op, "--start="+st, "--end", strconv.Itoa(end), path, s)
				}
			}
		}
	}
	wg.Wait()
	// The defaults are 0 and the length, as for a fresh Python map.
	if got := ok(t, "find", path, "b"); got != "1\n" {
		t.Errorf("find b = %q, want 1", got)
	}
	if got := ok(t, "rfind", path, "b"); got != strconv.Itoa(n-1)+"\n" {
		t.Errorf("rfind b = %q, want %d", got, n-1)
	}
}

func TestFindBytes(t *testing.T) {
	path := writeFile(t, "bin", "ab\xff\xfecd\x01ef")
	if why := cannotApply([]string{"\xff\xfe"}); why != "" {
		t.Logf("not run: find of invalid UTF-8: %s", why)
	} else if got := ok(t, "find", path, "\xff\xfe"); got != "2\n" {
		t.Errorf("find of invalid UTF-8 = %q, want 2", got)
	}
	if got := ok(t, "find", path, "\x01e"); got != "6\n" {
		t.Errorf("find of a control byte = %q, want 6", got)
	}
	if got := ok(t, "find", path, "zz"); got != "-1\n" {
		t.Errorf("find of a missing needle = %q, want -1", got)
	}
	if got := ok(t, "find", path, "--", "-x"); got != "-1\n" {
		t.Errorf("find -- -x = %q, want -1", got)
	}
	empty := writeFile(t, "empty", "")
	if got := ok(t, "find", empty, "a"); got != "-1\n" {
		t.Errorf("find in an empty file = %q, want -1", got)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "f.txt", "hello world\n")
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"find", filepath.Join(dir, "missing"), "x"}, 1},
		{[]string{"find", dir, "x"}, 1},
		{[]string{"rfind", dir, "x"}, 1},
		{[]string{"grep", "x", dir}, 2},
		{[]string{"grep", "x", filepath.Join(dir, "missing")}, 2},
		{[]string{"grep"}, 2},
		{[]string{"grep", "-m", "-1", "x", file}, 2},
		{[]string{"cat", dir}, 1},
		{[]string{"replace", dir, "a", "b"}, 1},
		{[]string{"replace", filepath.Join(dir, "missing"), "a", "b"}, 1},
		{[]string{"grep", "(", file}, 2},
		{[]string{"grep", "\xff", file}, 2},
		{[]string{"completion", "nosuch"}, 2},
		{[]string{"completion"}, 2},
		{[]string{"cat", file, "--length", "1x"}, 2},
		{[]string{"cat", file, "--length", "1k"}, 1},
		{[]string{"cat", file, "--offset", "100"}, 1},
		{[]string{"cat", file, "--length", "100"}, 1},
		{[]string{"cat", file, "--offset", "5", "--length", "10"}, 1},
		{[]string{"cat", file, "--offset", "-1"}, 2},
		{[]string{"cat", file, "--length", "-1"}, 2},
		{[]string{"find", file, "x", "--start", "99999999999999999999"}, 2},
		{[]string{"find", file, "x", "--end", "1e3"}, 2},
		{[]string{"find", file, "x", "--start"}, 2},
		{[]string{"find", file, "x", "--bogus"}, 2},
		{[]string{"find", file, "-x"}, 2},
		{[]string{"find", file}, 2},
		{[]string{"find", file, "a", "b"}, 2},
		{[]string{"replace", file, "", "x"}, 2},
		{[]string{"bogus"}, 2},
		{[]string{}, 2},
		{[]string{"--bogus"}, 2},
		{[]string{"shm"}, 2},
		{[]string{"shm", "bogus"}, 2},
		{[]string{"shm", "create", "x", "-5"}, 2},
		{[]string{"shm", "create", "x", "lots"}, 2},
		{[]string{"shm", "create", "x", "0"}, 2},
		{[]string{"shm", "create", "a/b", "10"}, 1},
		{[]string{"shm", "cat", "mmap-cli-test-no-such-segment"}, 1},
		{[]string{"shm", "rm", "mmap-cli-test-no-such-segment"}, 1},
		{[]string{"shm", "write", "mmap-cli-test-no-such-segment", "x"}, 1},
		{[]string{"bench", "--runs", "0"}, 2},
		{[]string{"bench", "--size", "huge"}, 2},
		{[]string{"bench", "--only", "nope"}, 2},
		{[]string{"bench", "--file", filepath.Join(dir, "missing"), "--runs", "1"}, 1},
		{[]string{"bench", "--file", dir, "--runs", "1"}, 1},
		{[]string{"bench", "--runs", "1", "--size", "100k", "--only", "find", "--chart", filepath.Join(dir, "chart.gif")}, 1},
		{[]string{"bench", "--runs", "1", "--chart", filepath.Join(dir, "missing", "chart.svg")}, 1},
		{[]string{"bench", "--sizes", "--chart", filepath.Join(dir, "missing", "chart.png")}, 1},
	} {
		if why := cannotApply(tc.args); why != "" {
			t.Logf("not run: mmap %q: %s", tc.args, why)
			continue
		}
		checkError(t, tc.args, cli(t, tc.args...), tc.code)
	}
}

func TestEmptyFile(t *testing.T) {
	path := writeFile(t, "empty", "")
	for _, args := range [][]string{
		{"find", path, "x"}, {"rfind", path, "x"}, {"cat", path}, {"replace", path, "a", "b"}, {"replace", path, "a", "bc", "--all"},
	} {
		out := ok(t, args...)
		want := map[string]string{"find": "-1\n", "rfind": "-1\n", "cat": "", "replace": "0\n"}[args[0]]
		if out != want {
			t.Errorf("mmap %q on an empty file: %q, want %q", args, out, want)
		}
	}
	for _, args := range [][]string{{"grep", "x", path}, {"grep", "-c", "x", path}, {"grep", "-o", "", path}, {"grep", "-vc", "x", path}} {
		r := cli(t, args...)
		want := ""
		if args[1] == "-c" || args[1] == "-vc" {
			want = "0\n"
		}
		if r.code != 1 || r.stdout != want || r.stderr != "" {
			t.Errorf("mmap %q on an empty file: exit %d, stdout %q, stderr %q; want 1, %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
}

// TestTruncatedWhileRead truncates a file while cat is writing it to a pipe:
// the rest of the map is gone, which must be an error, not a crash.
func TestTruncatedWhileRead(t *testing.T) {
	platformtest.SkipUnlessTruncationFaults(t)
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, bytes.Repeat([]byte("0123456789abcdef"), 1<<19), 0o644); err != nil { // 8 MiB
		t.Fatal(err)
	}
	r, n := truncatedWhileWriting(t, path, "cat", path)
	if n >= 8<<20 {
		t.Skipf("cat wrote the whole file before the truncation (%d bytes)", n)
	}
	checkError(t, []string{"cat", path}, r, 1)
}

// truncatedWhileWriting runs mmap with args, which writes path's bytes to
// a pipe: once the command blocks on the full pipe, path is cut to 0 bytes
// under it, then the pipe is drained. It returns the result (stdout not
// kept) and the number of bytes written.
func truncatedWhileWriting(t *testing.T, path string, args ...string) (result, int64) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(stdout, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, stdout)
	code := exitCode(t, cmd.Wait())
	return result{"", stderr.String(), code}, n + 4096
}

func TestReplace(t *testing.T) {
	for _, tc := range []struct {
		content string
		args    []string
		out     string
		want    string
	}{
		{"a the b the c", []string{"the", "THE"}, "1\n", "a THE b the c"},
		{"a the b the c", []string{"the", "THE", "--all"}, "2\n", "a THE b THE c"},
		{"a the b the c", []string{"the", "python", "--all"}, "2\n", "a python b python c"},
		{"a the b the c", []string{"the", "python"}, "1\n", "a python b the c"},
		{"a the b the c", []string{" the", "", "--all"}, "2\n", "a b c"},
		{"a the b the c", []string{"the", "x", "--all", "--dry-run"}, "2\n", "a the b the c"},
		{"a the b the c", []string{"the", "x", "--dry-run"}, "1\n", "a the b the c"},
		{"a the b the c", []string{"the", "python", "--all", "--safe"}, "2\n", "a python b python c"},
		{"a the b the c", []string{"the", "", "--sync"}, "1\n", "a  b the c"},
		{"aaaa", []string{"aa", "b", "--all"}, "2\n", "bb"},
		{"abc", []string{"zz", "y", "--all"}, "0\n", "abc"},
		{"ab\xffcd", []string{"\xff", "\x01\xfe"}, "1\n", "ab\x01\xfecd"},
	} {
		path := writeFile(t, "r.txt", tc.content)
		args := append([]string{"replace", path}, tc.args...)
		if why := cannotApply(args); why != "" {
			t.Logf("not run: mmap %q: %s", args, why)
			continue
		}
		if got := ok(t, args...); got != tc.out {
			t.Errorf("mmap %q printed %q, want %q", args, got, tc.out)
		}
		got, _ := os.ReadFile(path)
		if string(got) != tc.want {
			t.Errorf("mmap %q left %q, want %q", args, got, tc.want)
		}
	}
}

func TestCat(t *testing.T) {
	path := writeFile(t, "c.txt", "0123456789")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "0123456789"},
		{[]string{"--offset", "3"}, "3456789"},
		{[]string{"--length", "4"}, "0123"},
		{[]string{"--offset", "3", "--length", "4"}, "3456"},
		{[]string{"--offset", "10"}, ""},
		{[]string{"--offset", "9", "--length", "1"}, "9"},
		{[]string{"--length", "0"}, ""},
	} {
		args := append([]string{"cat", path}, tc.args...)
		if got := ok(t, args...); got != tc.want {
			t.Errorf("mmap %q = %q, want %q", args, got, tc.want)
		}
	}
}

func TestShm(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm")
	}
	name := fmt.Sprintf("mmap-cli-test-%d", os.Getpid())
	defer cli(t, "shm", "rm", name)
	if got := ok(t, "shm", "create", name, "64"); got != name+"\n" {
		t.Fatalf("shm create printed %q", got)
	}
	checkError(t, nil, cli(t, "shm", "create", name, "64"), 1) // exists
	ok(t, "shm", "write", name, "hello")
	ok(t, "shm", "write", name, "--offset", "60", "tail")
	checkError(t, nil, cli(t, "shm", "write", name, "--offset", "62", "tail"), 1)
	got := ok(t, "shm", "cat", name)
	want := "hello" + strings.Repeat("\x00", 55) + "tail"
	if got != want {
		t.Errorf("shm cat = %q, want %q", got, want)
	}
	ls := ok(t, "shm", "ls")
	if !strings.Contains(ls, name+" ") || !strings.Contains(ls, " 64 ") {
		t.Errorf("shm ls does not list %s of 64 bytes:\n%s", name, ls)
	}
	ok(t, "shm", "rm", name)
	if strings.Contains(ok(t, "shm", "ls"), name+" ") {
		t.Errorf("shm ls still lists %s after rm", name)
	}
	checkError(t, nil, cli(t, "shm", "cat", name), 1)
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"find", "--help"}, {"shm", "--help"}, {"help", "grep"}, {"bench", "-h"}} {
		r := cli(t, args...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("mmap %q: exit %d, stderr %q, stdout %q", args, r.code, r.stderr, r.stdout)
		}
	}
	if out := ok(t, "completion", "bash"); !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash printed no script")
	}
}

func TestBenchJSON(t *testing.T) {
	out := ok(t, "bench", "--json", "--runs", "1", "--size", "300k")
	var rep struct {
		File    string
		Bytes   int64
		Runs    int
		Cache   string
		Results []map[string]any
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out)
	}
	if dec.More() {
		t.Errorf("bench --json printed more than one object:\n%s", out)
	}
	if rep.Bytes != 300_000 || rep.Runs != 1 || rep.Cache != "warm" {
		t.Errorf("bench --json header: %+v", rep)
	}
	var names []string
	for _, r := range rep.Results {
		names = append(names, r["name"].(string))
		for _, k := range []string{"seed_regular_ns", "regular_ns", "mmap_ns", "speedup"} {
			if v, ok := r[k].(float64); !ok || v <= 0 {
				t.Errorf("%s: %s = %v", r["name"], k, r[k])
			}
		}
		if _, ok := r["python_mmap_ns"]; ok {
			t.Errorf("%s: python_mmap_ns without --python", r["name"])
		}
	}
	if got := strings.Join(names, ","); got != "read,find,regex,seek_find,replace" {
		t.Errorf("bench --json names: %s", got)
	}
}

// --cold evicts the file before every run and says so, in the JSON and in
// the table's explanation.
func TestBenchCold(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("--cold needs Linux's posix_fadvise")
	}
	out := ok(t, "bench", "--json", "--cold", "--runs", "1", "--size", "200k", "--only", "find,replace")
	var rep struct{ Cache string }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Cache != "cold" {
		t.Fatalf("bench --json --cold: cache %q, %v\n%s", rep.Cache, err, out)
	}
	out = ok(t, "bench", "--cold", "--runs", "1", "--size", "200k", "--only", "find")
	if !strings.Contains(out, "page cache cold") || !strings.Contains(out, "evicted from the page cache") {
		t.Errorf("bench --cold table:\n%s", out)
	}
}

func TestBenchTableAndChart(t *testing.T) {
	dir := t.TempDir()
	svg, png := filepath.Join(dir, "c.svg"), filepath.Join(dir, "c.png")
	out := ok(t, "bench", "--runs", "1", "--size", "200k", "--only", "find,seek_find", "--chart", svg)
	for _, s := range []string{"comparison", "find", "seek_find", "Why:"} {
		if !strings.Contains(out, s) {
			t.Errorf("bench table lacks %q:\n%s", s, out)
		}
	}
	ok(t, "bench", "--runs", "1", "--size", "200k", "--only", "read", "--chart", png)
	for _, f := range []string{svg, png} {
		if fi, err := os.Stat(f); err != nil || fi.Size() < 1000 {
			t.Errorf("chart %s: %v", f, err)
		}
	}
}

// TestInternalError checks the last resort: a panic in a command is one
// "mmap: internal error" line and exit 1, not a trace.
func TestInternalError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	root := newRoot(&stdout, &stderr)
	root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
		var m map[string]int
		//lint:ignore SA5000 the nil map is the point: a panic
		m["x"]++ // a nil map: panics
		return nil
	}})
	code := execute(context.Background(), root, []string{"boom"}, &stderr)
	checkError(t, []string{"boom"}, result{stdout.String(), stderr.String(), code}, 1)
	if !strings.HasPrefix(stderr.String(), "mmap: internal error: ") {
		t.Errorf("stderr %q", stderr.String())
	}
}
