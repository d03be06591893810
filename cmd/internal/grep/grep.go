// Package grep is `mmap grep`: GNU grep -E's command-line contract (the
// output, with LC_ALL=C on ASCII files, is byte for byte grep's) over
// memory-mapped files, searched on every core.
//
// A file is cut into chunks at line ends; each chunk is searched on its own
// goroutine and its output is written in order. A literal pattern is
// searched for by its rarest byte and never reaches a regular-expression
// engine; a pattern that contains a required literal searches for it first
// and runs the engine only on the lines that hold it; any other pattern
// runs go-re2 on windows of lines.
package grep

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/mmapkit/mmap"
)

// Options are grep's flags.
type Options struct {
	Patterns     []string // the patterns (-e, or the first argument); a '\n' separates two
	Fixed        bool     // -F: the patterns are strings
	IgnoreCase   bool     // -i
	Invert       bool     // -v: select the lines that do not match
	Word         bool     // -w: a match must be a whole word
	Line         bool     // -x: a match must be the whole line
	Count        bool     // -c: print the number of selected lines
	CountMatches bool     // --count-matches: print the number of matches (ripgrep)
	Only         bool     // -o: print each non-empty match on a line
	LineNumber   bool     // -n
	FilesWith    bool     // -l
	FilesWithout bool     // -L
	Quiet        bool     // -q
	MaxCount     int64    // -m: stop a file after this many selected lines; < 0: no limit
	Filename     int      // 1: -H, -1: -h, 0: prefix the name when there are several files
	Workers      int      // goroutines per file; 0: GOMAXPROCS
}

// chunkSize is how much of a file one goroutine searches at a time: large
// enough that a chunk's setup is noise, small enough that two cores share
// the work of a file evenly and the output of a chunk stays small.
var chunkSize = 1 << 20

// Exit statuses, as grep's.
const (
	Selected   = 0 // a line was selected
	NoneFound  = 1 // no line was selected
	HadTrouble = 2 // an error
)

// stdinName is how grep names standard input.
const stdinName = "(standard input)"

// Run greps files (standard input for none or "-") as GNU grep -E does and
// returns grep's exit status: Selected, NoneFound or HadTrouble. Errors (a
// bad pattern, a file that cannot be mapped or read, a file truncated while
// it is searched, a failed write) go to stderr, one "mmap: " line each.
func Run(ctx context.Context, o Options, files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := compile(&o)
	if err != nil {
		fmt.Fprintf(stderr, "mmap: grep: bad pattern: %v\n", err)
		return HadTrouble
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	withName := o.Filename > 0 || o.Filename == 0 && len(files) > 1
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	status := NoneFound
	trouble := false
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		name := f
		if f == "-" {
			name = stdinName
		}
		in, err := openInput(f, stdin)
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "mmap: %s\n", describe(name, err))
			trouble = true
			continue
		}
		s := &search{o: &o, c: c, in: in, name: name, withName: withName, ctx: ctx}
		res, err := s.run(out)
		in.close()
		if res.selected > 0 {
			status = Selected
			if o.Quiet {
				return Selected
			}
		}
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "mmap: %s\n", describe(name, err))
			trouble = true
			if errors.Is(err, errOutput) {
				return HadTrouble
			}
			continue
		}
		switch {
		case o.Quiet:
		case o.FilesWith || o.FilesWithout:
			// -l and -L win over -c, as in GNU grep.
			if res.selected > 0 == o.FilesWith {
				out.WriteString(name)
				out.WriteByte('\n')
			}
		case o.Count || o.CountMatches:
			if withName {
				out.WriteString(name)
				out.WriteByte(':')
			}
			n := res.selected
			if o.CountMatches {
				n = res.matches
			}
			out.WriteString(strconv.FormatInt(n, 10))
			out.WriteByte('\n')
		case res.binaryMatched:
			out.Flush()
			fmt.Fprintf(stderr, "mmap: %s: binary file matches\n", name)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "mmap: grep: write: %v\n", err)
		return HadTrouble
	}
	if trouble {
		return HadTrouble
	}
	return status
}

// errOutput marks a failure to write the output: grep stops.
var errOutput = errors.New("write error")

// describe is the text of err about the file name, without the Go
// package's decoration: "big.log: no such file or directory".
func describe(name string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && !errors.Is(err, errOutput) {
		return name + ": " + pe.Err.Error()
	}
	return name + ": " + strings.TrimPrefix(err.Error(), "mmap: ")
}

// An input is a file's bytes: mapped, or read from a pipe.
type input struct {
	m    *mmap.Map
	data []byte
}

// openInput maps the file at path, or reads standard input for "-" (a
// pipe cannot be mapped; a regular file on standard input is).
func openInput(path string, stdin io.Reader) (*input, error) {
	if path != "-" {
		m, err := mmap.Open(path)
		if errors.Is(err, mmap.ErrNotMappable) {
			// A FIFO, /dev/null, a /proc file: read it as grep does.
			return readInput(path)
		}
		if err != nil {
			return nil, err
		}
		return &input{m: m}, nil
	}
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				if m, err := mmap.MapFile(f, mmap.ReadOnly); err == nil {
					return &input{m: m}, nil
				}
			}
		}
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		return nil, err
	}
	return &input{data: data}, nil
}

// errIsDir is GNU grep's text for a directory given as a FILE (strerror's).
//
//lint:ignore ST1005 the text grep prints, capital included
var errIsDir = errors.New("Is a directory")

// readInput reads the file at path to its end: for what cannot be mapped.
func readInput(path string) (*input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errIsDir}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return &input{data: data}, nil
}

// guard calls fn with the input's bytes; a fault while fn reads a mapped
// file that shrank is an error, never a crash.
func (in *input) guard(fn func(b []byte) error) error {
	if in.m == nil {
		return fn(in.data)
	}
	return in.m.Guard(fn)
}

func (in *input) len() int {
	if in.m == nil {
		return len(in.data)
	}
	return in.m.Len()
}

func (in *input) close() {
	if in.m != nil {
		in.m.Close()
	}
}
