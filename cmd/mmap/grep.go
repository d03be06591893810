package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap/cmd/internal/grep"
)

func newGrepCmd() *cobra.Command {
	var o grep.Options
	var patterns []string
	var extended, help bool
	var nameMode, listMode int // -H/-h and -l/-L: as in GNU grep, the one given last counts
	cmd := &cobra.Command{
		Use:   "grep [flags] PATTERN [FILE...]",
		Short: "Print the lines that match PATTERN, as GNU grep -E does",
		Long: `Search each FILE (standard input when there is none, or for "-") for
PATTERN, in Go's RE2 syntax (https://pkg.go.dev/regexp/syntax), and print the
lines that match, as GNU grep -E does: with LC_ALL=C its output on ASCII files
is byte for byte grep's. ^ and $ match at the start and end of every line; no
match spans a line. Files are memory-mapped and searched on every core; a
literal PATTERN never goes through a regular-expression engine.

With several FILEs each output line starts with "FILE:" (-H forces it, -h
drops it). A file with a NUL byte is binary, as for GNU grep: a NUL ends a
line, and instead of its lines "mmap: FILE: binary file matches" goes to
stderr.

The exit status is 0 if a line was selected, 1 if none was, 2 on an error
(with -q, 0 as soon as a line is selected).`,
		Example: `  mmap grep -n 'status=5[0-9][0-9]' server.log
  mmap grep -c ERROR big.log
  mmap grep --count-matches '\b[a-zA-Z]{5}\b' book.txt
  zcat app.log.gz | mmap grep -i timeout`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Patterns = patterns
			if len(o.Patterns) == 0 {
				if len(args) == 0 {
					return usagef("grep: missing PATTERN (usage: %s)", cmd.UseLine())
				}
				o.Patterns, args = args[:1], args[1:]
			}
			o.Filename = nameMode
			o.FilesWith, o.FilesWithout = listMode == 1, listMode == -1
			if !cmd.Flags().Changed("max-count") {
				o.MaxCount = -1
			} else if o.MaxCount < 0 {
				return usagef("grep: -m %d: want 0 or more", o.MaxCount)
			}
			code := grep.Run(cmd.Context(), o, args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
			return exitWith(code)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringArrayVarP(&patterns, "regexp", "e", nil, "use PATTERN (may be given more than once; then the first argument is a FILE)")
	f.BoolVarP(&o.Fixed, "fixed-strings", "F", false, "PATTERN is a string, not a regular expression")
	f.BoolVarP(&extended, "extended-regexp", "E", false, "accepted for grep -E compatibility (always on)")
	f.BoolVarP(&o.IgnoreCase, "ignore-case", "i", false, "ignore case")
	f.BoolVarP(&o.Invert, "invert-match", "v", false, "select the lines that do not match")
	f.BoolVarP(&o.Word, "word-regexp", "w", false, "a match must be a whole word")
	f.BoolVarP(&o.Line, "line-regexp", "x", false, "a match must be the whole line")
	f.BoolVarP(&o.Count, "count", "c", false, "print only the number of selected lines")
	f.BoolVar(&o.CountMatches, "count-matches", false, "print only the number of matches (ripgrep's flag; with -v, of selected lines)")
	f.BoolVarP(&o.Only, "only-matching", "o", false, "print each non-empty match on a line of its own")
	f.BoolVarP(&o.LineNumber, "line-number", "n", false, "prefix each output line with its line number")
	f.VarPF(lastOf{&listMode, 1}, "files-with-matches", "l", "print only the names of files with a selected line").NoOptDefVal = "true"
	f.VarPF(lastOf{&listMode, -1}, "files-without-match", "L", "print only the names of files without a selected line").NoOptDefVal = "true"
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing; exit 0 at the first selected line")
	f.Int64VarP(&o.MaxCount, "max-count", "m", -1, "stop reading a file after `N` selected lines")
	f.VarPF(lastOf{&nameMode, 1}, "with-filename", "H", "print the file name for each match").NoOptDefVal = "true"
	f.VarPF(lastOf{&nameMode, -1}, "no-filename", "h", "never print file names").NoOptDefVal = "true"
	f.BoolVar(&help, "help", false, "help for grep") // -h is --no-filename, as in grep
	return cmd
}

// lastOf is one boolean flag of a pair that set the same choice, such as -H
// and -h: as in GNU grep, the one given last counts.
type lastOf struct {
	choice *int
	value  int
}

func (f lastOf) Set(v string) error {
	on, err := strconv.ParseBool(v)
	switch {
	case err != nil:
		return err
	case on:
		*f.choice = f.value
	case *f.choice == f.value:
		*f.choice = 0
	}
	return nil
}

func (f lastOf) String() string { return strconv.FormatBool(f.choice != nil && *f.choice == f.value) }

func (f lastOf) Type() string { return "bool" }

// IsBoolFlag lets the flag stand alone, as pflag's bool flags do.
func (f lastOf) IsBoolFlag() bool { return true }
