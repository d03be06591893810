package main

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// A progress reports the progress of long work on stderr, when stderr is a
// terminal; otherwise newProgress returns nil, whose methods do nothing.
type progress struct{ bar *progressbar.ProgressBar }

// A unit says what a progress bar counts.
type unit int

const (
	spinner   unit = iota // nothing: an indeterminate spinner
	byteCount             // bytes of a file
	stepCount             // steps of work
)

// newProgress returns a bar for total units, or nil when stderr is not a
// terminal.
func newProgress(desc string, total int64, u unit) *progress {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	}
	switch u {
	case spinner:
		total = -1
		opts = append(opts, progressbar.OptionSpinnerType(14))
	case byteCount:
		opts = append(opts, progressbar.OptionShowBytes(true))
	case stepCount:
		opts = append(opts, progressbar.OptionShowCount())
	}
	return &progress{bar: progressbar.NewOptions64(total, opts...)}
}

// large says whether work on size bytes deserves a progress bar.
func large(size int64) bool { return size >= 64<<20 }

// setTotal changes the number of units the bar counts to.
func (p *progress) setTotal(total int64) {
	if p != nil {
		p.bar.ChangeMax64(total)
	}
}

// set says n units are done.
func (p *progress) set(n int64) {
	if p != nil {
		p.bar.Set64(n)
	}
}

// spin keeps an indeterminate bar turning until the returned func is called.
func (p *progress) spin() (stop func()) {
	if p == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.bar.Add(1)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		p.done()
	}
}

// done removes the bar.
func (p *progress) done() {
	if p != nil {
		p.bar.Finish()
		p.bar.Clear()
	}
}
