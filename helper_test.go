package mmap_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// Helper processes: a test that needs a second, real process re-executes
// the test binary with -test.run=^TestHelperProcess$ and the role in the
// environment variable helperRoleEnv. TestHelperProcess looks the role up
// in helperRoles and runs it; the role's function owns the process (its
// arguments are in helperArgsEnv, separated by \x1f, and it may read stdin
// and write stdout); its return value is the exit status. To add a role,
// add an entry to helperRoles in an init function of your own test file.
const (
	helperRoleEnv = "MMAP_TEST_HELPER_ROLE"
	helperArgsEnv = "MMAP_TEST_HELPER_ARGS"
)

// helperRoles maps a role name to the code the helper process runs. The
// function's return value is the process's exit status.
var helperRoles = map[string]func(args []string) int{
	"truncator": helperTruncator,
}

// TestHelperProcess is not a test: it is the entry point of helper
// processes. Run by "go test" it does nothing.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(helperRoleEnv)
	if role == "" {
		t.Skip("only runs as a helper process")
	}
	fn, ok := helperRoles[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown helper role %q\n", role)
		os.Exit(3)
	}
	var args []string
	if a := os.Getenv(helperArgsEnv); a != "" {
		args = strings.Split(a, "\x1f")
	}
	os.Exit(fn(args))
}

// helperCommand returns the command that runs the test binary as a helper
// process in role with args.
func helperCommand(t testing.TB, role string, args ...string) *exec.Cmd {
	t.Helper()
	if _, ok := helperRoles[role]; !ok {
		t.Fatalf("no helper role %q", role)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperRoleEnv+"="+role, helperArgsEnv+"="+strings.Join(args, "\x1f"), quickRaceExit())
	cmd.Stderr = os.Stderr
	return cmd
}

// helperTruncator reads commands "PATH SIZE" from stdin, one a line, sets
// the size of the file at PATH to SIZE (truncate(2)) and answers "ok" or the
// error on stdout. It ends at the end of its input.
func helperTruncator(args []string) int {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := in.Text()
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			fmt.Println("bad command", strconv.Quote(line))
			continue
		}
		size, err := strconv.ParseInt(line[i+1:], 10, 64)
		if err == nil {
			err = os.Truncate(line[:i], size)
		}
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println("ok")
	}
	return 0
}

// truncator is a live helper process that truncates files on request.
type truncator struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Scanner
}

// startTruncator starts a truncator helper process, stopped when t ends.
func startTruncator(t testing.TB) *truncator {
	t.Helper()
	cmd := helperCommand(t, "truncator")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	return &truncator{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewScanner(stdout)}
}

// truncate has the helper process set the size of the file at path, and
// waits until it has.
func (tr *truncator) truncate(t testing.TB, path string, size int64) {
	t.Helper()
	fmt.Fprintf(tr.in, "%s %d\n", path, size)
	if err := tr.in.Flush(); err != nil {
		t.Fatalf("truncator: %v", err)
	}
	if !tr.out.Scan() {
		t.Fatalf("truncator died: %v", tr.out.Err())
	}
	if got := tr.out.Text(); got != "ok" {
		t.Fatalf("truncator: %s", got)
	}
}

// faultContent is the file the fault tests map: no '\n' and no '#', so that
// a search for either scans the whole map.
func faultContent(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

// writeFaultFile writes n bytes of faultContent to a new file.
func writeFaultFile(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, faultContent(n), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// quickRaceExit returns the GORACE setting that stops a helper built with
// -race from sleeping a second before it exits, keeping the caller's
// other race options.
func quickRaceExit() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}

// pyBounds turns Python's optional start and end into FindIn's arguments.
func pyBounds(bounds []int) (start, end int) {
	start, end = 0, math.MaxInt
	if len(bounds) > 0 {
		start = bounds[0]
	}
	if len(bounds) > 1 {
		end = bounds[1]
	}
	return start, end
}

// findB, rfindB and countB call FindIn, RFindIn and CountIn with Python's
// optional bounds, as the tests' tables hold them.
func findB(m *mmap.Map, sub []byte, bounds ...int) (int, error) {
	s, e := pyBounds(bounds)
	return m.FindIn(sub, s, e)
}

func rfindB(m *mmap.Map, sub []byte, bounds ...int) (int, error) {
	s, e := pyBounds(bounds)
	return m.RFindIn(sub, s, e)
}

func countB(m *mmap.Map, sub []byte, bounds ...int) (int, error) {
	s, e := pyBounds(bounds)
	return m.CountIn(sub, s, e)
}

func anonWith(t testing.TB, content string) *mmap.Map {
	t.Helper()
	m, err := mmap.Anonymous(len(content))
	if err != nil {
		t.Fatal(err)
	}
	copy(m.Bytes(), content)
	t.Cleanup(func() { m.Close() })
	return m
}

// writeFile makes a file with content in a fresh temporary directory.
func writeFile(t testing.TB, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustOpen(t testing.TB, path string, mode mmap.Mode, opts ...mmap.Option) *mmap.Map {
	t.Helper()
	m, err := mmap.OpenFile(path, mode, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// anonMap returns an anonymous map holding data.
func anonMap(t testing.TB, data []byte) *mmap.Map {
	t.Helper()
	m, err := mmap.Anonymous(len(data))
	if err != nil {
		t.Fatal(err)
	}
	copy(m.Bytes(), data)
	t.Cleanup(func() { m.Close() })
	return m
}

// tempFile writes data to a new file and returns its path.
func tempFile(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func randomBytes(r *rand.Rand, n int, alphabet string) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return b
}

// englishText is English-like text: the book when it is there, else made up.
func englishText(n int) []byte {
	book := readBook()
	if book == nil {
		words := strings.Fields("the knight of la mancha rode out in the morning with his squire sancho panza who said that windmills were giants and that 1605 was a year")
		r := rand.New(rand.NewSource(5))
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[r.Intn(len(words))])
			if r.Intn(12) == 0 {
				b.WriteString(".\n")
			} else {
				b.WriteByte(' ')
			}
		}
		book = b.Bytes()
	}
	for len(book) < n {
		book = append(book, book...)
	}
	return book[:n]
}

const bookPath = "../shared/corpus/don-quixote.txt"

// readBook returns the Don Quixote corpus, or nil where it is absent.
func readBook() []byte {
	b, err := os.ReadFile(bookPath)
	if err != nil {
		return nil
	}
	return b
}

// heapGrowth runs fn and returns by how much the heap's objects grew
// above what they were before it, at the most, sampled every 100 µs.
func heapGrowth(fn func()) int {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int { metrics.Read(sample); return int(sample[0].Value.Uint64()) }
	base := read()
	peak := base
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			peak = max(peak, read())
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak - base
}

// waitFor runs the garbage collector until cond holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); ; {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

func itoa(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
