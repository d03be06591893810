package shm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The tracker. Python's resource tracker is a separate Python process fed
// through a pipe; this is the same idea with the pieces a Go library can
// count on:
//
//   - The process is this program's own executable, started again with
//     trackerEnv set; package shm's init function sees the variable and
//     runs the tracker instead of the program (runTracker), so the library
//     needs no helper binary and no shell.
//   - Its standard input is the read end of a pipe whose write end only
//     this process holds (close-on-exec, so no child inherits it). The
//     kernel closes it when this process exits, whatever kills it; the
//     tracker then reads EOF, unlinks the names it still has whose device
//     and inode numbers are still the ones recorded, and exits. Nothing
//     else ends it: it ignores SIGINT, SIGTERM and SIGHUP and runs in its
//     own session, so a ^C or a hangup that kills the creator's process
//     group does not kill it first.
//   - It exists only while this process tracks something: the first
//     Tracked Create starts it, and when the last tracked name is
//     unlinked this process closes the pipe and the tracker exits.
//
// Messages are lines: "add NAME DEV INO" and "forget NAME", NAME quoted
// with strconv.Quote since a name may hold any byte but "/" and NUL.

// trackerEnv, set to "1" in the environment of the program's executable,
// makes package shm's init run the tracker.
const trackerEnv = "MMAPKIT_SHM_TRACKER"

// fileID identifies a segment beyond its name.
type fileID struct{ Dev, Ino uint64 }

var errNotTrackable = fmt.Errorf("%w: Tracked: segments here have no identity a tracker could check before unlinking", errors.ErrUnsupported)

// trk is this process's side of the tracker.
var trk struct {
	mu    sync.Mutex
	w     *os.File          // the pipe to the tracker; nil when none runs
	pid   int               // the tracker's process id, for tests
	names map[string]fileID // what the tracker has been told to unlink
	count atomic.Int32      // len(names), read without mu by forget
}

func init() {
	if os.Getenv(trackerEnv) == "1" {
		runTracker(os.Stdin)
		os.Exit(0)
	}
}

// track has the tracker record name, starting the tracker if none runs.
// If the tracker died (its pipe is broken), a new one is started and told
// every name again.
func track(name string, id fileID) error {
	trk.mu.Lock()
	defer trk.mu.Unlock()
	if trk.names == nil {
		trk.names = map[string]fileID{}
	}
	trk.names[name] = id
	trk.count.Store(int32(len(trk.names)))
	msg := addMsg(name, id)
	if trk.w != nil {
		if _, err := io.WriteString(trk.w, msg); err == nil {
			return nil
		}
		trk.w.Close()
		trk.w = nil
	}
	var all strings.Builder
	for n, id := range trk.names {
		all.WriteString(addMsg(n, id))
	}
	if err := startTracker(); err != nil {
		delete(trk.names, name)
		trk.count.Store(int32(len(trk.names)))
		return err
	}
	if _, err := io.WriteString(trk.w, all.String()); err != nil {
		delete(trk.names, name)
		trk.count.Store(int32(len(trk.names)))
		return fmt.Errorf("tracker: %w", err)
	}
	return nil
}

func addMsg(name string, id fileID) string {
	return "add " + strconv.Quote(name) + " " + strconv.FormatUint(id.Dev, 10) + " " + strconv.FormatUint(id.Ino, 10) + "\n"
}

// forget has the tracker drop name, if this process tracks it; the last
// one closes the pipe, which ends the tracker. Untracked names cost one
// atomic load.
func forget(name string) {
	if trk.count.Load() == 0 {
		return
	}
	trk.mu.Lock()
	defer trk.mu.Unlock()
	if _, ok := trk.names[name]; !ok {
		return
	}
	delete(trk.names, name)
	trk.count.Store(int32(len(trk.names)))
	if trk.w == nil {
		return
	}
	if len(trk.names) == 0 {
		// EOF with nothing left to unlink: the tracker exits.
		trk.w.Close()
		trk.w = nil
		return
	}
	io.WriteString(trk.w, "forget "+strconv.Quote(name)+"\n")
}

// trackerExe finds the executable to start as the tracker; tests replace
// it to make the start fail.
var trackerExe = trackerExecutable

// startTracker starts the tracker process with a new pipe; trk.mu is held.
func startTracker() error {
	exe, err := trackerExe()
	if err != nil {
		return fmt.Errorf("tracker: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("tracker: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(exe)
	cmd.Args = []string{"mmapkit-shm-tracker"}
	cmd.Env = append(os.Environ(), trackerEnv+"=1")
	cmd.Stdin = r // stdout and stderr: /dev/null, so that no reader of ours waits for the tracker
	cmd.SysProcAttr = trackerAttr()
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("tracker: %w", err)
	}
	go cmd.Wait() // reap it when it exits while this process lives
	trk.w, trk.pid = w, cmd.Process.Pid
	return nil
}

// runTracker is the tracker process: it records the names read from in
// until EOF, then unlinks those whose identity is still the recorded one.
func runTracker(in io.Reader) {
	ignoreSignals()
	names := map[string]fileID{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		verb, rest, _ := strings.Cut(sc.Text(), " ")
		name, rest, err := unquoteField(rest)
		if err != nil {
			continue
		}
		switch verb {
		case "add":
			var id fileID
			if _, err := fmt.Sscan(rest, &id.Dev, &id.Ino); err == nil {
				names[name] = id
			}
		case "forget":
			delete(names, name)
		}
	}
	for name, id := range names {
		// A window remains between this check and the unlink: POSIX has
		// no "unlink if this inode", so a segment recreated in between
		// (microseconds) would be unlinked.
		if now, err := identify(name); err == nil && now == id {
			unlink(name)
		}
	}
}

// unquoteField splits a strconv.Quote'd string off the start of s.
func unquoteField(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", err
	}
	name, err := strconv.Unquote(q)
	return name, strings.TrimPrefix(s[len(q):], " "), err
}
