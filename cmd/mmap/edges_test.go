package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmapkit/mmap/internal/platformtest"
)

// The CLI meets the same edges as the library (issue 9): a file another
// process truncates while a command reads it, and a disk without room for
// a growing replacement. Its contract holds: one "mmap: " line on stderr,
// exit 1 (grep: 2), no panic, the file unchanged.

// TestCLIFullDisk runs "mmap replace" with a longer NEW on a real 1 MiB
// tmpfs, mounted in a private mount namespace (unshare -m, as root).
func TestCLIFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	content := bytes.Repeat([]byte("ab-"), 600<<10/3) // 600 KiB, growing to 1400 KiB
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	for _, safe := range []string{"", "--safe"} {
		script := `mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
cp "$2" "$1/f"
"$3" replace "$1/f" ab abcdef --all $4
echo "exit=$?"
cmp -s "$2" "$1/f" && echo same
ls -A "$1"`
		cmd := exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c", script, "sh", mnt, src, bin, safe)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 99 {
			t.Skipf("no tmpfs mount: %s", stderr.String())
		}
		out := stdout.String()
		if !strings.Contains(out, "exit=1\n") || !strings.Contains(out, "same\n") || strings.TrimSpace(out[strings.Index(out, "same\n")+5:]) != "f" {
			t.Errorf("replace %s: stdout %q, want exit=1, the file the same, no other file", safe, out)
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "mmap: ") || !strings.Contains(msg, "no space left on device") {
			t.Errorf("replace %s: stderr %q, want one \"mmap: ...no space left on device\" line", safe, msg)
		}
	}
}

// TestCLITruncatedWhileReading runs commands over a file that another
// process keeps cutting and regrowing: each ends with its normal output or
// one "mmap: " error line and its usual error code, never an internal
// error.
func TestCLITruncatedWhileReading(t *testing.T) {
	platformtest.SkipUnlessTruncationFaults(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, bytes.Repeat([]byte("abcdefgh\n"), 6<<20/9), 0o644); err != nil {
		t.Fatal(err)
	}
	// -c: a truncate still running when the shell is killed must not
	// create the file again while the test's TempDir is being removed.
	flapper := exec.Command("sh", "-c", `while :; do truncate -c -s 4200 "$1"; truncate -c -s 6M "$1"; done`, "sh", path)
	if err := flapper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		flapper.Process.Kill()
		flapper.Wait()
	}()
	// grep's pattern is the path too, so that the command runs whichever
	// order of FILE and PATTERN it takes.
	for _, args := range [][]string{
		{"grep", "-c", path, path},
		{"grep", path, path},
		{"grep", "-n", path, path},
		{"grep", "-o", path, path},
		{"find", path, "zzz"},
		{"cat", path},
		{"replace", path, "zzz", "yyy", "--all", "--dry-run"},
	} {
		for end := time.Now().Add(700 * time.Millisecond); time.Now().Before(end); {
			r := cli(t, args...)
			if strings.Contains(r.stderr, "internal error") || strings.Contains(r.stderr, "goroutine ") {
				t.Fatalf("mmap %q: %s", args, r.stderr)
			}
			if r.stderr != "" && (!strings.HasPrefix(r.stderr, "mmap: ") || strings.Count(r.stderr, "\n") != 1) {
				t.Fatalf("mmap %q: stderr %q, want one \"mmap: \" line", args, r.stderr)
			}
		}
	}
}

// TestCLIFIFO: a FIFO given as FILE is refused at once with one error
// line, whether or not a writer holds it, and its data stays unread.
func TestCLIFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Skip("mkfifo:", err)
	}
	for _, args := range [][]string{
		{"find", fifo, "x"},
		{"rfind", fifo, "x"},
		{"cat", fifo},
		{"replace", fifo, "a", "b"},
		{"replace", fifo, "a", "bc", "--safe"},
	} {
		start := time.Now()
		r := cli(t, args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "mmap: ") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("mmap %q: exit %d, stderr %q; want exit 1 and one \"mmap: \" line", args, r.code, r.stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("mmap %q took %v: it waited on the FIFO", args, d)
		}
	}
}
