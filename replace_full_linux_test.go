package mmap_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/mmapkit/mmap"
)

// tmpfsEnv is set in the copy of the test binary that runs inside a
// private mount namespace, where it may mount a small tmpfs.
const tmpfsEnv = "MMAP_TEST_IN_MOUNT_NS"

// inSmallTmpfs runs the test t in a copy of the test binary started under
// unshare -m, as root, and returns false; in that copy it mounts a tmpfs
// of size bytes on a new directory, which it returns with true. It skips t
// where that cannot be done (not root, no unshare).
func inSmallTmpfs(t *testing.T, size string) (string, bool) {
	t.Helper()
	if os.Getenv(tmpfsEnv) == "" {
		if os.Geteuid() != 0 {
			t.Skip("needs root to mount a tmpfs in a private mount namespace")
		}
		unshare, err := exec.LookPath("unshare")
		if err != nil {
			t.Skip("needs unshare(1) (util-linux)")
		}
		cmd := exec.Command(unshare, "-m", "--propagation", "private", os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), tmpfsEnv+"=1", quickRaceExit())
		out, err := cmd.CombinedOutput()
		switch {
		case bytes.Contains(out, []byte("--- SKIP")):
			t.Skipf("in the mount namespace: %s", out)
		case err != nil && !bytes.Contains(out, []byte("=== RUN")):
			t.Skipf("unshare -m failed (%v): %s", err, out)
		case err != nil:
			t.Fatalf("in the mount namespace: %v\n%s", err, out)
		}
		t.Logf("in the mount namespace:\n%s", out)
		return "", false
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skip("mount tmpfs:", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir, true
}

// freeBytes is the space left on dir's filesystem.
func freeBytes(t *testing.T, dir string) int64 {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// TestReplaceOnFullDisk: a growing replacement on a filesystem without
// room for the growth (a real 1 MiB tmpfs) fails with an error matching
// syscall.ENOSPC and leaves the file exactly as it was, in every mode and
// whether the space is reserved with fallocate or by writing zeros; no
// temporary file or reserved space is left behind.
func TestReplaceOnFullDisk(t *testing.T) {
	dir, ok := inSmallTmpfs(t, "1m")
	if !ok {
		return
	}
	path := filepath.Join(dir, "data")
	content := bytes.Repeat([]byte("ab-"), 600<<10/3) // 600 KiB, growing to 1400 KiB
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	free := freeBytes(t, dir)
	for _, c := range []struct {
		name      string
		fallocate bool
		opts      []mmap.ReplaceOption
	}{
		{"in place, fallocate", true, nil},
		{"in place, zeros", false, nil},
		{"safe", true, []mmap.ReplaceOption{mmap.WithSafeReplace()}},
		{"in place, synced", true, []mmap.ReplaceOption{mmap.WithSync()}},
	} {
		old := mmap.SetReserveByFallocate(c.fallocate)
		n, err := mmap.ReplaceFile(path, []byte("ab"), []byte("abcdef"), -1, c.opts...)
		mmap.SetReserveByFallocate(old)
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("%s: ReplaceFile = %d, %v; want an error matching syscall.ENOSPC", c.name, n, err)
		}
		if strings.Contains(strings.ToLower(errString(err)), "fault") {
			t.Errorf("%s: %v: a full disk must not surface as a memory fault", c.name, err)
		}
		wantContent(t, c.name, path, content)
		if left, _ := filepath.Glob(filepath.Join(dir, ".data.replace-*")); len(left) > 0 {
			t.Errorf("%s: temporary files left: %v", c.name, left)
		}
		if now := freeBytes(t, dir); now != free {
			t.Errorf("%s: %d bytes free after the failure, %d before", c.name, now, free)
		}
	}
	// The disk still takes a replacement that fits.
	if n, err := mmap.ReplaceFile(path, []byte("ab-ab-"), []byte("abcde-"), -1); n != len(content)/6 || err != nil {
		t.Errorf("a replacement that fits: %d, %v", n, err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
