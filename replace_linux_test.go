//go:build linux

package mmap_test

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/mmapkit/mmap"
)

// The helper role "replace-fsize": in a child process, lower RLIMIT_FSIZE
// to args[2] bytes, ignore SIGXFSZ, and run a growing ReplaceFile on
// args[0] (args[1] "safe" or "inplace") that must fail.
func init() {
	helperRoles["replace-fsize"] = func(args []string) int {
		path, mode := args[0], args[1]
		limit, _ := strconv.ParseUint(args[2], 10, 64)
		signal.Ignore(syscall.SIGXFSZ)
		var rl syscall.Rlimit
		syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl)
		rl.Cur = limit
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			fmt.Println("setrlimit:", err)
			return 3
		}
		var opts []mmap.ReplaceOption
		if mode == "safe" {
			opts = append(opts, mmap.WithSafeReplace())
		}
		n, err := mmap.ReplaceFile(path, []byte("e"), []byte("EEE"), -1, opts...)
		fmt.Printf("n=%d err=%v\n", n, err)
		if err == nil {
			return 1
		}
		return 0
	}
}

// A replacement that cannot grow the file (RLIMIT_FSIZE in a child
// process) fails and loses nothing: in safe mode the temporary file is
// removed and the original is intact; in place, the extension fails first,
// before anything moved.
func TestReplaceFileSizeLimit(t *testing.T) {
	data := englishText(1 << 20)
	for _, mode := range []string{"safe", "inplace"} {
		p := filepath.Join(t.TempDir(), "book.txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		limit := len(data) + 4096
		cmd := helperCommand(t, "replace-fsize", p, mode, strconv.Itoa(limit))
		cmd.Stderr = nil // CombinedOutput collects it
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
