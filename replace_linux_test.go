//go:build linux

package mmap_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/mmapkit/mmap"
)

const searchHelperEnv = "MMAP_SEARCH_HELPER"

// TestSearchHelperProcess is not a test: run by TestReplaceFileSizeLimit in
// a child process, it lowers RLIMIT_FSIZE to the size in its environment,
// ignores SIGXFSZ, and runs a growing ReplaceFile that must fail.
func TestSearchHelperProcess(t *testing.T) {
	spec := os.Getenv(searchHelperEnv)
	if spec == "" {
		t.Skip("only run as a helper process")
	}
	var path, mode string
	var limit uint64
	fmt.Sscanf(spec, "%s %s %d", &path, &mode, &limit)
	signal.Ignore(syscall.SIGXFSZ)
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl)
	rl.Cur = limit
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(3)
	}
	var opts []mmap.ReplaceOption
	if mode == "safe" {
		opts = append(opts, mmap.WithSafeReplace())
	}
	n, err := mmap.ReplaceFile(path, []byte("e"), []byte("EEE"), -1, opts...)
	fmt.Printf("n=%d err=%v\n", n, err)
	if err == nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// A replacement that cannot grow the file (RLIMIT_FSIZE in a child
// process) fails and loses nothing: in safe mode the temporary file is
// removed and the original is intact; in place, the extension fails first,
// before anything moved.
func TestReplaceFileSizeLimit(t *testing.T) {
	data := srchText(1 << 20)
	for _, mode := range []string{"safe", "inplace"} {
		p := filepath.Join(t.TempDir(), "book.txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		limit := len(data) + 4096
		cmd := exec.Command(os.Args[0], "-test.run=^TestSearchHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), searchHelperEnv+"="+p+" "+mode+" "+strconv.Itoa(limit))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: helper: %v\n%s", mode, err, out)
		}
		if !bytes.Contains(out, []byte("n=0 err=")) {
			t.Fatalf("%s: helper said %s", mode, out)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: the original changed (%d bytes, %v)", mode, len(got), err)
		}
		if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
			t.Fatalf("%s: files left behind: %v", mode, ents)
		}
		t.Logf("%s: %s", mode, bytes.TrimSpace(out))
	}
}
