package shm_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/mmapkit/mmap/shm"
)

// smallShmEnv tells the test binary it runs in a mount namespace whose
// /dev/shm is a 64 KiB tmpfs.
const smallShmEnv = "MMAP_SHM_TEST_SMALL_SHM"

// With /dev/shm limited to 64 KiB, Create of 1 MiB fails with ENOSPC and
// leaves nothing, instead of succeeding and dying of SIGBUS at the first
// copy (issue 9, item 6a). The test re-runs itself under unshare -m with
// a real 64 KiB tmpfs mounted on /dev/shm: that needs root.
func TestCreateNoSpace(t *testing.T) {
	if os.Getenv(smallShmEnv) == "1" {
		noSpace(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs on /dev/shm in a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) (util-linux)")
	}
	cmd := exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=64k tmpfs /dev/shm && exec "$@"`, "sh",
		os.Args[0], "-test.run=^TestCreateNoSpace$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), smallShmEnv+"=1", quickRaceExit())
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestCreateNoSpace")) {
		if bytes.Contains(out, []byte("mount:")) || bytes.Contains(out, []byte("unshare:")) {
			t.Skipf("cannot make a private /dev/shm here: %s", out)
		}
		t.Fatalf("in a 64 KiB /dev/shm: %v\n%s", err, out)
	}
}

func noSpace(t *testing.T) {
	big := newName()
	s, err := shm.Create(big, 1<<20)
	if err == nil {
		s.Close()
		s.Unlink()
		t.Fatal("Create of 1 MiB in a 64 KiB /dev/shm succeeded: the first write past 64 KiB would be SIGBUS")
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Create of 1 MiB in a 64 KiB /dev/shm: %v, want ENOSPC", err)
	}
	if exists(big) {
		t.Fatal("the failed Create left its segment")
	}
	if _, err := shm.NewShareableList(newName(), []any{string(bytes.Repeat([]byte("x"), 100<<10))}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("NewShareableList of 100 KiB in a 64 KiB /dev/shm: %v, want ENOSPC", err)
	}
	// What fits, works, to its last byte.
	small := create(t, newName(), 32<<10)
	copy(small.Bytes(), bytes.Repeat([]byte("y"), 32<<10))
}
