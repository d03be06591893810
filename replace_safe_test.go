//go:build unix

package mmap_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mmapkit/mmap"
)

// WithSafeReplace keeps what a replacement should keep (a symbolic link,
// mode bits, owner, xattrs and ACLs in replace_xattr_linux_test.go), says
// what it cannot (hard links), and leaves no stale temporary file behind a
// replacement that was killed. ReplaceFile also never loses bytes another
// process appends while it works.

func init() {
	helperRoles["replace-stall"] = helperReplaceStall
}

// helperReplaceStall runs ReplaceFile(args[0], "a", "A", -1, safe) and
// stops for good once the temporary file is written, saying "stalled":
// the parent kills it there.
func helperReplaceStall(args []string) int {
	mmap.SetReplaceHook(func(point string) {
		if point == "written" {
			fmt.Println("stalled")
			time.Sleep(time.Hour) // not select{}: the runtime would call that a deadlock and exit
		}
	})
	_, err := mmap.ReplaceFile(args[0], []byte("a"), []byte("A"), -1, mmap.WithSafeReplace())
	fmt.Println("returned:", err)
	return 1
}

func putFile(t *testing.T, path string, b []byte, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, perm); err != nil {
		t.Fatal(err)
	}
}

func wantContent(t *testing.T, what, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %s holds %q (%d bytes, ends %q), want %q (%d bytes, ends %q)", what, path, short(got), len(got), got[max(len(got)-20, 0):], short(want), len(want), want[max(len(want)-20, 0):])
	}
}

func short(b []byte) []byte {
	if len(b) > 60 {
		return append(b[:60:60], "..."...)
	}
	return b
}

// replaceModes are the ways ReplaceFile can run, all of which must treat
// a link, a mode and an append alike.
var replaceModes = []struct {
	name     string
	old, new string
	opts     []mmap.ReplaceOption
}{
	{"same length", "ab", "XY", nil},
	{"longer", "ab", "XYZ", nil},
	{"shorter", "ab", "X", nil},
	{"safe", "ab", "XYZ", []mmap.ReplaceOption{mmap.WithSafeReplace()}},
	{"safe shorter", "ab", "X", []mmap.ReplaceOption{mmap.WithSafeReplace()}},
}

// TestReplaceFollowsSymlink: a symbolic link is followed by every mode,
// as the in-place path always did: the target changes, the link stays.
func TestReplaceFollowsSymlink(t *testing.T) {
	content := bytes.Repeat([]byte("ab-"), 1000)
	for _, c := range replaceModes {
		dir := t.TempDir()
		target := filepath.Join(dir, "sub", "target")
		os.Mkdir(filepath.Dir(target), 0o755)
		putFile(t, target, content, 0o640)
		link := filepath.Join(dir, "link")
		if err := os.Symlink("sub/target", link); err != nil {
			t.Fatal(err)
		}
		n, err := mmap.ReplaceFile(link, []byte(c.old), []byte(c.new), -1, c.opts...)
		if n != 1000 || err != nil {
			t.Fatalf("%s: ReplaceFile(link) = %d, %v", c.name, n, err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s: the link is no longer a symbolic link (%v, %v)", c.name, fi.Mode(), err)
		}
		wantContent(t, c.name, target, bytes.ReplaceAll(content, []byte(c.old), []byte(c.new)))
		if left, _ := filepath.Glob(filepath.Join(dir, "*", ".*replace-*")); len(left) > 0 {
			t.Errorf("%s: temporary files left: %v", c.name, left)
		}
	}
}

// TestSafeReplaceKeepsModeAndOwner: permission bits with setuid, setgid
// and sticky, and (as root) the owner and group, survive the rename.
func TestSafeReplaceKeepsModeAndOwner(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []fs.FileMode{0o600, 0o755 | fs.ModeSetuid, 0o750 | fs.ModeSetgid, 0o644 | fs.ModeSticky, 0o6711&^0o6000 | fs.ModeSetuid | fs.ModeSetgid} {
		path := filepath.Join(dir, "f")
		putFile(t, path, []byte("ab ab"), 0o600)
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		root := os.Geteuid() == 0
		if root {
			if err := os.Chown(path, 1234, 5678); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, mode) // chown cleared setuid/setgid
		}
		after := safeReplaceSameMode(t, path)
		if root {
			st := after.Sys().(*syscall.Stat_t)
			if st.Uid != 1234 || st.Gid != 5678 {
				t.Errorf("owner 1234:5678 became %d:%d", st.Uid, st.Gid)
			}
		}
		os.Remove(path)
	}
}

// safeReplaceSameMode replaces "ab" by "xyz" in the file at path with
// WithSafeReplace, checks that its mode did not change, and returns what
// it is now.
func safeReplaceSameMode(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	before, _ := os.Stat(path)
	if _, err := mmap.ReplaceFile(path, []byte("ab"), []byte("xyz"), -1, mmap.WithSafeReplace()); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if after.Mode() != before.Mode() {
		t.Errorf("mode %v became %v", before.Mode(), after.Mode())
	}
	return after
}

// TestSafeReplaceHardLink shows what its doc says cannot be kept: the file
// is a new inode, so another hard link to the original keeps the old
// content (the in-place modes change both).
func TestSafeReplaceHardLink(t *testing.T) {
	dir := t.TempDir()
	path, other := filepath.Join(dir, "f"), filepath.Join(dir, "g")
	putFile(t, path, []byte("ab ab"), 0o644)
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	if _, err := mmap.ReplaceFile(path, []byte("ab"), []byte("xyz"), -1, mmap.WithSafeReplace()); err != nil {
		t.Fatal(err)
	}
	wantContent(t, "safe", path, []byte("xyz xyz"))
	wantContent(t, "safe, the other link", other, []byte("ab ab"))
	if _, err := mmap.ReplaceFile(other, []byte("ab"), []byte("xyz"), -1); err != nil {
		t.Fatal(err)
	}
	wantContent(t, "in place", other, []byte("xyz xyz"))
}

// TestSafeReplaceKilled: a replacement killed with SIGKILL after writing
// its full-size temporary file leaves it behind; the next replacement of
// the same file removes it, but never the temporary file of a replacement
// still running.
func TestSafeReplaceKilled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data")
	content := bytes.Repeat([]byte("abc"), 100000)
	putFile(t, path, content, 0o644)
	temps := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, ".data.replace-*"))
		return m
	}
	cmd := helperCommand(t, "replace-stall", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "stalled\n" {
		t.Fatalf("helper said %q", line)
	}
	live := temps()
	if len(live) != 1 {
		t.Fatalf("temporary files while the helper runs: %v", live)
	}
	if fi, err := os.Stat(live[0]); err != nil || fi.Size() != int64(len(content)) {
		t.Fatalf("the helper's temporary file: %v, %v; want %d bytes", fi, err, len(content))
	}
	// A replacement meanwhile leaves the running one's file alone.
	if _, err := mmap.ReplaceFile(path, []byte("b"), []byte("B"), -1, mmap.WithSafeReplace()); err != nil {
		t.Fatal(err)
	}
	if now := temps(); len(now) != 1 || now[0] != live[0] {
		t.Fatalf("a replacement removed the temporary file of a running one: %v", now)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	// A file of the user's with a name like a temporary file's stays.
	mine := filepath.Join(dir, ".data.replace-mine")
	putFile(t, mine, []byte("keep"), 0o644)
	defer func() {
		if _, err := os.Stat(mine); err != nil {
			t.Errorf("a file that only looks like a temporary file was removed: %v", err)
		}
		os.Remove(mine)
	}()
	if now := temps(); len(now) != 2 {
		t.Fatalf("after SIGKILL: %v", now)
	}
	if _, err := mmap.ReplaceFile(path, []byte("c"), []byte("C"), -1, mmap.WithSafeReplace()); err != nil {
		t.Fatal(err)
	}
	if now := temps(); len(now) != 1 || now[0] != mine {
		t.Errorf("after the next replacement: %v, want only %s", now, mine)
	}
	wantContent(t, "after both", path, bytes.Repeat([]byte("aBC"), 100000))
}

// appendFrom has another process append s to the file at path.
func appendFrom(t *testing.T, path, s string) {
	if err := exec.Command("sh", "-c", `printf %s "$1" >> "$2"`, "sh", s, path).Run(); err != nil {
		t.Errorf("append: %v", err)
	}
}

// TestReplaceWhileAppended: another process appends to the file at the
// moment each mode is most exposed. No mode loses the appended bytes:
// a same-length or shrinking replacement keeps them after the new content;
// a growing one (the append lands where the content would move) and a safe
// one (the rename would drop it) fail with ErrFileChanged and leave the
// file as it was plus the append.
func TestReplaceWhileAppended(t *testing.T) {
	defer mmap.SetReplaceHook(nil)
	content := bytes.Repeat([]byte("ab-"), 5000)
	for _, c := range []struct {
		name, old, new, at string
		safe, fails        bool
	}{
		{"same length", "ab", "XY", "", false, false},
		{"longer", "ab", "XYZ", "scanned", false, true},
		{"shorter, before the moves", "ab", "X", "scanned", false, true},
		{"shorter, after the moves", "ab", "X", "moved", false, false},
		{"safe", "ab", "XYZ", "written", true, true},
	} {
		path := filepath.Join(t.TempDir(), "log")
		putFile(t, path, content, 0o644)
		mmap.SetReplaceHook(func(point string) {
			if point == c.at {
				appendFrom(t, path, "APPENDED")
			}
		})
		var opts []mmap.ReplaceOption
		if c.safe {
			opts = append(opts, mmap.WithSafeReplace())
		}
		appended := make(chan struct{})
		if c.at == "" {
			// Same length: nothing moves, so any moment will do; the
			// append races the replacement.
			go func() { appendFrom(t, path, "APPENDED"); close(appended) }()
		} else {
			close(appended)
		}
		_, err := mmap.ReplaceFile(path, []byte(c.old), []byte(c.new), -1, opts...)
		mmap.SetReplaceHook(nil)
		<-appended
		if c.fails {
			if !errors.Is(err, mmap.ErrFileChanged) {
				t.Errorf("%s: err = %v, want ErrFileChanged", c.name, err)
			}
			wantContent(t, c.name, path, append(bytes.Clone(content), "APPENDED"...))
		} else {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			wantContent(t, c.name, path, append(bytes.ReplaceAll(content, []byte(c.old), []byte(c.new)), "APPENDED"...))
		}
	}
}

// TestReplaceAppendAfterLastCheck shows what ReplaceFile's doc says it
// cannot see: bytes appended between its last look at the size and the
// growth or the rename are lost, and the call succeeds. (A shrinking
// replacement looks again when it cuts the file, so an append at
// "checked" is kept; its window is inside Resize, between fstat and
// ftruncate, where no hook reaches.)
func TestReplaceAppendAfterLastCheck(t *testing.T) {
	defer mmap.SetReplaceHook(nil)
	content := bytes.Repeat([]byte("ab-"), 5000)
	for _, c := range replaceModes[1:] { // nothing moves at the same length: nothing is lost
		lost := c.name != "shorter"
		path := filepath.Join(t.TempDir(), "log")
		putFile(t, path, content, 0o644)
		mmap.SetReplaceHook(func(point string) {
			if point == "checked" {
				appendFrom(t, path, "APPENDED")
			}
		})
		_, err := mmap.ReplaceFile(path, []byte(c.old), []byte(c.new), -1, c.opts...)
		mmap.SetReplaceHook(nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		want := bytes.ReplaceAll(content, []byte(c.old), []byte(c.new))
		if !lost {
			want = append(want, "APPENDED"...)
		}
		wantContent(t, c.name, path, want)
	}
}
