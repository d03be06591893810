//go:build linux

package shm_test

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmapkit/mmap/shm"
)

// The tracker tests run on Linux, where segments are files whose
// disappearance a test can watch; macOS cannot track (no inode numbers),
// FreeBSD can but has no runner here.

func init() {
	// tracked-wait creates a tracked segment and a tracked list, prints
	// its tracker's pid and waits to be killed.
	roles["tracked-wait"] = func(name string) error {
		if _, err := shm.Create(name, 4096, shm.Tracked()); err != nil {
			return err
		}
		if _, err := shm.NewShareableList(name+"L", []any{"x"}, shm.Tracked()); err != nil {
			return err
		}
		fmt.Println(shm.TrackerPID())
		select {}
	}
	// tracked-restart creates a tracked segment, kills its tracker,
	// creates a tracked list (which must start a new tracker and tell it
	// both names), prints the new tracker's pid and waits to be killed.
	roles["tracked-restart"] = func(name string) error {
		if _, err := shm.Create(name, 4096, shm.Tracked()); err != nil {
			return err
		}
		first := shm.TrackerPID()
		syscall.Kill(first, syscall.SIGKILL)
		if !waitFor(5*time.Second, func() bool { return gone(first) }) {
			return fmt.Errorf("tracker %d did not die", first)
		}
		if _, err := shm.NewShareableList(name+"L", []any{"x"}, shm.Tracked()); err != nil {
			return err
		}
		if second := shm.TrackerPID(); second == first {
			return fmt.Errorf("no new tracker")
		}
		fmt.Println(shm.TrackerPID())
		select {}
	}
	// tracked-exec does the same, prints the tracker's pid, then
	// replaces itself with sleep(1).
	roles["tracked-exec"] = func(name string) error {
		if _, err := shm.Create(name, 4096, shm.Tracked()); err != nil {
			return err
		}
		if _, err := shm.NewShareableList(name+"L", []any{"x"}, shm.Tracked()); err != nil {
			return err
		}
		fmt.Println(shm.TrackerPID())
		sleep, err := exec.LookPath("sleep")
		if err != nil {
			return err
		}
		return syscall.Exec(sleep, []string{"sleep", "60"}, os.Environ())
	}
	// tracked-exit does the same and returns, so the process exits.
	roles["tracked-exit"] = func(name string) error {
		if _, err := shm.Create(name, 4096, shm.Tracked()); err != nil {
			return err
		}
		if _, err := shm.NewShareableList(name+"L", []any{"x"}, shm.Tracked()); err != nil {
			return err
		}
		fmt.Println(shm.TrackerPID())
		return nil
	}
}

// startTracked runs role, which tracks name and name+"L", and returns the
// child and its tracker's pid.
func startTracked(t *testing.T, role, name string) (*os.Process, func() error, int) {
	t.Helper()
	t.Cleanup(func() {
		shm.Unlink(name)
		shm.Unlink(name + "L")
	})
	cmd := helper(role, name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper %s: %v", role, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper %s printed %q, not a tracker pid", role, line)
	}
	return cmd.Process, cmd.Wait, pid
}

func exists(name string) bool {
	_, err := os.Lstat("/dev/shm/" + name)
	return err == nil
}

// gone reports whether process pid has exited (a zombie counts: some
// container inits never reap).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(s[i:], ") Z")
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// The test: a child creates a tracked segment and is killed with
// SIGKILL; the segment is gone within 3 s, and so is the tracker.
func TestTrackedSIGKILL(t *testing.T) {
	supported(t)
	name := newName()
	p, wait, tracker := startTracked(t, "tracked-wait", name)
	if !exists(name) || !exists(name+"L") {
		t.Fatal("the tracked segments do not exist")
	}
	killed := time.Now()
	p.Signal(syscall.SIGKILL)
	wait()
	if !waitFor(3*time.Second, func() bool { return !exists(name) && !exists(name+"L") }) {
		t.Fatal("the tracked segments outlived their creator by 3 s")
	}
	t.Logf("gone %v after the SIGKILL", time.Since(killed).Round(time.Millisecond))
	if !waitFor(3*time.Second, func() bool { return gone(tracker) }) {
		t.Fatal("the tracker outlived its work")
	}
}

// A tracked segment goes when its creator exits normally, too.
func TestTrackedNormalExit(t *testing.T) {
	supported(t)
	name := newName()
	_, wait, tracker := startTracked(t, "tracked-exit", name)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if !waitFor(3*time.Second, func() bool { return !exists(name) && !exists(name+"L") && gone(tracker) }) {
		t.Fatalf("after a normal exit: segment %v, list %v, tracker gone %v", exists(name), exists(name+"L"), gone(tracker))
	}
}

// A segment unlinked and recreated by someone else under the same name is
// left alone when the tracker cleans up.
func TestTrackedLeavesRecreated(t *testing.T) {
	supported(t)
	name := newName()
	p, wait, tracker := startTracked(t, "tracked-wait", name)
	if err := shm.Unlink(name); err != nil {
		t.Fatal(err)
	}
	mine := create(t, name, 100)
	copy(mine.Bytes(), "mine")
	p.Signal(syscall.SIGKILL)
	wait()
	if !waitFor(3*time.Second, func() bool { return gone(tracker) }) {
		t.Fatal("the tracker did not finish")
	}
	if exists(name + "L") {
		t.Error("the tracked list outlived its creator")
	}
	o, err := shm.Open(name)
	if err != nil {
		t.Fatalf("the tracker removed a segment it did not create: %v", err)
	}
	defer o.Close()
	if o.Size() != 100 || string(o.Bytes()[:4]) != "mine" {
		t.Fatalf("not the recreated segment: size %d", o.Size())
	}
}

// Unlink makes the tracker forget a name (a segment made later under it
// survives this process); the tracker exits when nothing is left, and
// untracked segments never start one.
func TestTrackedUnlinkForgets(t *testing.T) {
	supported(t)
	create(t, newName(), 8)
	if pid := shm.TrackerPID(); pid != 0 {
		t.Fatalf("a tracker (pid %d) runs with nothing tracked", pid)
	}
	a, b := newName(), newName()
	sa, err := shm.Create(a, 8, shm.Tracked())
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	tracker := shm.TrackerPID()
	if tracker == 0 {
		t.Fatal("no tracker after a Tracked Create")
	}
	sb, err := shm.Create(b, 8, shm.Tracked())
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if pid := shm.TrackerPID(); pid != tracker {
		t.Fatalf("a second tracker: %d and %d", tracker, pid)
	}
	if err := sa.Unlink(); err != nil {
		t.Fatal(err)
	}
	if shm.TrackerPID() != tracker || gone(tracker) {
		t.Fatal("the tracker stopped while it still tracks a segment")
	}
	if err := shm.Unlink(b); err != nil { // the function forgets too
		t.Fatal(err)
	}
	if shm.TrackerPID() != 0 || !waitFor(3*time.Second, func() bool { return gone(tracker) }) {
		t.Fatal("the tracker outlived the last tracked segment")
	}
	// Attaching with Tracked tracks nothing.
	c := newName()
	create(t, c, 8)
	o, err := shm.Open(c, shm.Tracked())
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	if shm.TrackerPID() != 0 {
		t.Fatal("Open with Tracked started a tracker")
	}
	if _, err := shm.Open(a); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of the unlinked segment: %v", err)
	}
}

// The tracker survives the signals a terminal or a polite kill sends
// (SIGINT, SIGTERM, SIGHUP) and runs in a session of its own, so a ^C to
// the creator's process group does not stop it before its work.
func TestTrackerIgnoresPoliteSignals(t *testing.T) {
	supported(t)
	s, err := shm.Create(newName(), 8, shm.Tracked())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer s.Unlink()
	tracker := shm.TrackerPID()
	// Signals that come before the tracker's init ignores them kill it:
	// wait for its ignored set (SigIgn) to hold them. Its own session
	// keeps the terminal's from reaching it meanwhile.
	const polite = 1<<(syscall.SIGINT-1) | 1<<(syscall.SIGTERM-1) | 1<<(syscall.SIGHUP-1)
	if !waitFor(5*time.Second, func() bool { return sigIgn(tracker)&polite == polite }) {
		t.Fatalf("the tracker never ignored SIGINT, SIGTERM and SIGHUP (SigIgn %x)", sigIgn(tracker))
	}
	if sid, mine := sessionOf(tracker), sessionOf(os.Getpid()); sid == mine || sid != strconv.Itoa(tracker) {
		t.Errorf("tracker session %s, this process's %s: want a session of its own", sid, mine)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		syscall.Kill(tracker, sig)
	}
	time.Sleep(200 * time.Millisecond)
	if gone(tracker) {
		t.Fatal("a polite signal killed the tracker")
	}
}

func procStat(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return string(b)
}

// sessionOf returns field 6 of /proc/PID/stat, the session id.
func sessionOf(pid int) string {
	s := procStat(pid)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 4 {
		return ""
	}
	return f[3]
}

// sigIgn returns the set of signals process pid ignores.
func sigIgn(pid int) uint64 {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n
		}
	}
	return 0
}

// If the tracker cannot start, a Tracked Create fails and leaves no
// segment: it never makes a segment that it cannot clean up.
func TestTrackedNoTrackerNoSegment(t *testing.T) {
	supported(t)
	undo := shm.SetTrackerExecutable("/nonexistent/mmapkit-no-such-program")
	defer undo()
	name := newName()
	if s, err := shm.Create(name, 8, shm.Tracked()); err == nil {
		s.Close()
		s.Unlink()
		t.Fatal("Tracked Create succeeded without a tracker")
	}
	if exists(name) {
		t.Fatal("the failed Tracked Create left its segment")
	}
	if _, err := shm.NewShareableList(name, []any{1}, shm.Tracked()); err == nil || exists(name) {
		t.Fatalf("NewShareableList without a tracker: %v, segment left: %v", err, exists(name))
	}
	if shm.TrackerPID() != 0 {
		t.Fatal("a tracker runs")
	}
}

// A tracker that died is replaced at the next Tracked call and told every
// name again: both segments go when the creator is killed.
func TestTrackerRestarted(t *testing.T) {
	supported(t)
	name := newName()
	p, wait, tracker := startTracked(t, "tracked-restart", name)
	p.Signal(syscall.SIGKILL)
	wait()
	if !waitFor(3*time.Second, func() bool { return !exists(name) && !exists(name+"L") && gone(tracker) }) {
		t.Fatalf("segment %v, list %v left; tracker gone %v", exists(name), exists(name+"L"), gone(tracker))
	}
}

// Replacing the creator with another program (exec) counts as its exit:
// the tracker unlinks while the process lives on as sleep(1).
func TestTrackedExecCountsAsExit(t *testing.T) {
	supported(t)
	name := newName()
	p, wait, tracker := startTracked(t, "tracked-exec", name)
	defer wait()
	defer p.Kill()
	if !waitFor(3*time.Second, func() bool { return !exists(name) && !exists(name+"L") && gone(tracker) }) {
		t.Fatalf("after exec: segment %v, list %v left; tracker gone %v", exists(name), exists(name+"L"), gone(tracker))
	}
	if err := p.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the exec'd process is gone too (%v): the test proved nothing", err)
	}
}
