// Command mmap puts the github.com/mmapkit/mmap library to work from the
// shell: search, grep, replace in place and cat files through memory maps,
// manage named shared memory, and run the seed benchmark.
//
// Errors go to stderr as one line starting with "mmap: " and exit 1; usage
// errors exit 2.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	signal.Notify(interrupts.signals, os.Interrupt, syscall.SIGTERM)
	go interrupts.watch(cancel, finished)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	close(finished)
	if c := interrupts.code(); c != 0 {
		code = c
	}
	os.Exit(code)
}

// run executes the command line args and returns the exit status: 0, 1 for
// an error, 2 for a usage error. Whatever happens, it prints at most one
// line to stderr, and never a panic trace.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	if c, _, err := root.Find(args); err == nil && c.Name() == "bench" {
		interrupts.watchesContext()
		// The grace is the fast path; on a busy machine bench may not
		// return within it, so what it made in TMPDIR goes in any case.
		defer interrupts.onInterrupt(removeNewTemps(os.TempDir(), "mmap-bench-"))()
		defer interrupts.onInterrupt(removeNewTemps(os.TempDir(), "seed-replace-"))()
	}
	return execute(ctx, root, args, stderr)
}

// execute runs root with args and maps the outcome to an exit status; a
// panic, the last resort, becomes one "mmap: internal error" line.
func execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			// A fault in an iterator's loop body (a file truncated under
			// the map) panics with the *FaultError: an error, not a bug.
			if fe, ok := r.(*mmap.FaultError); ok {
				fmt.Fprintf(stderr, "mmap: %s\n", oneLine(strings.TrimPrefix(fe.Error(), "mmap: ")))
				code = 1
				return
			}
			fmt.Fprintf(stderr, "mmap: internal error: %s\n", oneLine(fmt.Sprint(r)))
			code = 1
		}
	}()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var es exitStatus
	if errors.As(err, &es) {
		return int(es) // the command printed its own messages
	}
	fmt.Fprintf(stderr, "mmap: %s\n", shellWords(oneLine(strings.TrimPrefix(err.Error(), "mmap: "))))
	var ce *cmdError
	if errors.As(err, &ce) && !ce.usage {
		return 1
	}
	// Everything else comes from the framework parsing the command line
	// (unknown command or flag, bad flag value, wrong number of arguments)
	// or is a usage error of ours.
	return 2
}

// cmdError is an error from running a command, as opposed to one from
// parsing its command line.
type cmdError struct {
	err   error
	usage bool
}

func (e *cmdError) Error() string { return e.err.Error() }
func (e *cmdError) Unwrap() error { return e.err }

// failed marks err as a command's failure: exit 1.
func failed(err error) error {
	var ce *cmdError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return &cmdError{err: err}
}

// usagef is a usage error found by a command itself: exit 2.
func usagef(format string, a ...any) error {
	return &cmdError{err: fmt.Errorf(format, a...), usage: true}
}

// exitStatus ends a command that printed its own errors, with that status
// (grep's 1 and 2).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// exitWith returns nil for 0, else an exitStatus.
func exitWith(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// goOptions maps the library's option names, which its errors may mention,
// to what a shell user can do instead.
var goOptions = strings.NewReplacer(
	" (use WithGrow to extend it)", "",
	"use WithGrow to extend it", "",
	"WithGrow", "growing the file",
	"WithLength", "a length (cat --length)",
	"WithOffset", "an offset (cat --offset)",
	"WithSafeReplace", "replace --safe",
	"WithDryRun", "replace --dry-run",
	"WithSync", "replace --sync",
	"WithPopulate", "prefaulting",
)

// shellWords rewrites the Go option names in a library error message.
func shellWords(s string) string { return goOptions.Replace(s) }

// oneLine folds a message onto one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
