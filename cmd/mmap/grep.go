package main

import (
	"bufio"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func newGrepCmd() *cobra.Command {
	var countOnly, onlyMatching, lineNumbers bool
	cmd := &cobra.Command{
		Use:   "grep FILE REGEX",
		Short: "Print the lines of FILE that match REGEX (Go RE2 syntax)",
		Long: `Search FILE through a memory map for REGEX, in Go's RE2 syntax
(https://pkg.go.dev/regexp/syntax), and print the lines that match, like grep.

  -c  print only the number of non-overlapping matches in the whole file
      (not the number of matching lines: the count Python's
      len(re.findall(rb"REGEX", m)) gives)
  -o  print each non-empty match on a line of its own; matches are found in
      the whole file, so a pattern that matches a newline can span lines
  -n  prefix each line, or each match, with its line number

Lines are split as bufio.ScanLines splits them, so a "\r" before "\n" is
not printed.

The exit status is 0 whether or not anything matched.`,
		Example: `  mmap grep server.log 'status=5\d\d' -n
  mmap grep book.txt '\b[a-zA-Z]{5}\b' -c`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, expr := args[0], args[1]
			re, err := regexp.Compile(expr)
			if err != nil {
				return failed(fmt.Errorf("grep: bad regex: %w", err))
			}
			m, err := mmap.Open(path, mmap.WithPopulate())
			if err != nil {
				return failed(err)
			}
			defer m.Close()
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			switch {
			case countOnly:
				stop := func() {}
				if large(int64(m.Len())) {
					stop = newProgress("grep -c", -1, spinner).spin()
				}
				n, err := m.CountRegexp(re)
				stop()
				if err != nil {
					return failed(fmt.Errorf("grep %s: %w", path, err))
				}
				fmt.Fprintln(out, n)
			case onlyMatching:
				err = grepMatches(out, m, re, lineNumbers)
			default:
				err = grepLines(out, m, re, lineNumbers)
			}
			if err != nil {
				return failed(fmt.Errorf("grep %s: %w", path, err))
			}
			return failed(out.Flush())
		},
	}
	cmd.Flags().BoolVarP(&countOnly, "count", "c", false, "print only the number of matches")
	cmd.Flags().BoolVarP(&onlyMatching, "only-matching", "o", false, "print each match, not the whole line")
	cmd.Flags().BoolVarP(&lineNumbers, "line-number", "n", false, "prefix output with the line number")
	return cmd
}

// grepLines prints the lines that match re.
func grepLines(out *bufio.Writer, m *mmap.Map, re mmap.Regexp, numbers bool) error {
	var bar *progress
	if large(int64(m.Len())) {
		bar = newProgress("grep", int64(m.Len()), byteCount)
	}
	defer bar.done()
	var done int64
	lineNo := 0
	for line, err := range m.Lines() {
		if err != nil {
			return err
		}
		lineNo++
		done += int64(len(line)) + 1
		if lineNo&0xffff == 0 {
			bar.set(done)
		}
		if !re.Match(line) {
			continue
		}
		if numbers {
			fmt.Fprintf(out, "%d:", lineNo)
		}
		out.Write(line)
		if err := out.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}

// grepMatches prints each non-empty match of re in the whole map.
func grepMatches(out *bufio.Writer, m *mmap.Map, re mmap.Regexp, numbers bool) error {
	lineNo, counted := 1, 0 // lineNo is the line of offset counted
	buf := make([]byte, 0, 256)
	for loc, err := range m.Matches(re) {
		if err != nil {
			return err
		}
		if loc[1] == loc[0] {
			continue
		}
		if numbers {
			n, err := m.CountIn([]byte{'\n'}, counted, loc[0])
			if err != nil {
				return err
			}
			lineNo += n
			counted = loc[0]
			fmt.Fprintf(out, "%d:", lineNo)
		}
		if cap(buf) < loc[1]-loc[0] {
			buf = make([]byte, loc[1]-loc[0])
		}
		buf = buf[:loc[1]-loc[0]]
		if _, err := m.ReadAt(buf, int64(loc[0])); err != nil {
			return err
		}
		out.Write(buf)
		if err := out.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}
