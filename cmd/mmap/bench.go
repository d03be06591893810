package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap/cmd/internal/bench"
)

// defaultRuns keeps the default bench (the book, with --python) about a
// minute on a 2-core machine.
const defaultRuns = 15

// sweep is the file sizes --sizes measures.
var sweep = []int64{1 << 20, 16 << 20, 128 << 20, 1 << 30}

// sweepBig is the size from which --sizes takes fewer runs and skips the
// slow cells (the regex and the Python columns).
const sweepBig = 64 << 20

func newBenchCmd() *cobra.Command {
	var (
		file, chart, size, only               string
		runs                                  int
		asJSON, markdown, python, sizes, cold bool
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time the seed's five comparisons: regular file I/O against mmap",
		Long: `Time the seed's five comparisons (read the whole file, find the first " the ",
count five-letter words with \b[a-zA-Z]{5}\b, seek to 10000 then find " the ",
replace " the " by " python ") on one file, warm page cache (or, with --cold,
evicted before every call).

Protocol, the same in Go and Python: --runs repetitions of N calls per cell,
N chosen so that a repetition lasts at least 10ms, no forced GC, the
repetitions of all columns interleaved; each cell is the time per call,
median (min–max), with the page faults per call. python3 runs as a
co-process, so its repetitions alternate with Go's.

Columns: seed_regular is Go doing what the seed's regular functions do, text
included; regular a careful Go path (reused buffers, chunked reads that stop
at the first hit); mmap the seed's mmap way through this library; best the
library's recommended call for the job (FindInFile, CountRegexp with go-re2,
ReplaceFile); with --python, python_regular and python_mmap are the seed's
own functions timed by python3. speedup = regular / mmap.

--markdown prints the README's block (the command, the protocol, the table
and the reasons); docs/bench-readme.sh BOOK puts it into README.md.

Without --file a deterministic English-like text of --size bytes (default
2.4 MB) is generated in a temporary directory and removed afterwards; with
--file and --size the file is repeated up to that size.`,
		Example: `  mmap bench --file don-quixote.txt --python       # the book: Project Gutenberg ebook 996
  mmap bench --json --runs 5
  mmap bench --file don-quixote.txt --size 1GiB --only find,seek_find
  mmap bench --chart bench.svg
  mmap bench --sizes --chart sizes.png`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runs < 1 {
				return usagef("bench: --runs %d: want 1 or more", runs)
			}
			cfg := bench.Config{File: file, Runs: runs, Python: python, Cold: cold, Notes: cmd.ErrOrStderr()}
			if size != "" {
				n, err := parseSize(size)
				if err != nil || n == 0 {
					return usagef("bench: --size %q: want a positive number of bytes like 64MiB", size)
				}
				cfg.Size = n
			}
			if only != "" {
				cfg.Only = strings.Split(only, ",")
				for _, name := range cfg.Only {
					if !validComparison(name) {
						return usagef("bench: --only %q: comparisons are read, find, regex, seek_find, replace", name)
					}
				}
			}
			if err := checkOutputPath(chart, ".svg", ".png"); err != nil {
				return failed(fmt.Errorf("bench: --chart: %w", err))
			}
			out := cmd.OutOrStdout()
			if sizes {
				return failed(benchSizes(cmd, cfg, asJSON, chart, out))
			}
			bar := newProgress("bench", 1, stepCount)
			if bar != nil {
				cfg.Progress = func(done, total int) {
					bar.setTotal(int64(total))
					bar.set(int64(done))
				}
			}
			rep, err := bench.Run(cmd.Context(), cfg)
			bar.done()
			if err != nil {
				return failed(fmt.Errorf("bench: %w", err))
			}
			if chart != "" {
				if err := rep.WriteChart(chart); err != nil {
					return failed(fmt.Errorf("bench: %w", err))
				}
			}
			switch {
			case asJSON:
				return failed(rep.WriteJSON(out))
			case markdown:
				return failed(rep.WriteMarkdown(out, benchCommand(cmd)))
			}
			return failed(rep.WriteTable(out))
		},
	}
	f := cmd.Flags()
	f.StringVar(&file, "file", "", "file to time (default: a generated 2.4 MB English-like text)")
	f.IntVar(&runs, "runs", defaultRuns, "timed repetitions per cell; each cell reports their median")
	f.BoolVar(&asJSON, "json", false, "print one JSON object instead of the table")
	f.BoolVar(&markdown, "markdown", false, "print the table as the README's Markdown block, with the command that made it")
	f.BoolVar(&python, "python", false, "also time the seed's own Python functions with python3")
	f.BoolVar(&cold, "cold", false, "evict the file from the page cache before every timed call (Linux), instead of timing a warm cache")
	f.StringVar(&chart, "chart", "", "draw a bar chart (log-scale time) to this .svg or .png file")
	f.StringVar(&size, "size", "", "generate a file of this size (like 64MiB or 1GiB), or repeat --file up to it")
	f.BoolVar(&sizes, "sizes", false, "time 1 MiB, 16 MiB, 128 MiB and 1 GiB files and chart how each cost grows (with --chart)")
	f.StringVar(&only, "only", "", "time only these comparisons, comma-separated (read,find,regex,seek_find,replace)")
	cmd.MarkFlagsMutuallyExclusive("json", "markdown")
	return cmd
}

// benchCommand is the command line that ran cmd, as the README shows it:
// the flags that were set, --file by its base name (the README says where
// to get the file).
func benchCommand(cmd *cobra.Command) string {
	parts := []string{"go run ./cmd/mmap bench"}
	for _, name := range []string{"file", "size", "only", "runs", "cold", "python", "chart", "markdown"} {
		f := cmd.Flags().Lookup(name)
		switch {
		case f == nil || !f.Changed:
		case name == "file":
			parts = append(parts, "--file "+filepath.Base(f.Value.String()))
		case f.Value.Type() == "bool":
			parts = append(parts, "--"+name)
		default:
			parts = append(parts, "--"+name+" "+f.Value.String())
		}
	}
	return strings.Join(parts, " ")
}

func validComparison(name string) bool {
	for _, c := range bench.Comparisons() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// benchSizes runs the bench at each size of the sweep.
func benchSizes(cmd *cobra.Command, cfg bench.Config, asJSON bool, chart string, out io.Writer) error {
	notes := cmd.ErrOrStderr()
	var reports []*bench.Report
	for _, size := range sweep {
		c := cfg
		c.Size = size
		if size >= sweepBig {
			if !cmd.Flags().Changed("runs") {
				c.Runs = 3
			}
			if c.Python {
				fmt.Fprintf(notes, "mmap bench: %s: python columns skipped (the seed's regular functions take seconds per GiB)\n", bench.Size(size))
				c.Python = false
			}
			if len(c.Only) == 0 {
				c.Only = []string{"read", "find", "seek_find", "replace"}
				fmt.Fprintf(notes, "mmap bench: %s: regex skipped (Go's regexp in the seed_regular column takes seconds per 100 MB)\n", bench.Size(size))
			}
		}
		rep, err := bench.Run(cmd.Context(), c)
		if errors.Is(err, bench.ErrNoSpace) {
			fmt.Fprintf(notes, "mmap bench: %s skipped: %v\n", bench.Size(size), err)
			continue
		}
		if err != nil {
			return fmt.Errorf("bench: %s: %w", bench.Size(size), err)
		}
		reports = append(reports, rep)
		if !asJSON {
			if err := rep.WriteTable(out); err != nil {
				return err
			}
			fmt.Fprintln(out)
		}
	}
	if chart != "" {
		if err := bench.WriteSizesChart(chart, reports); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	if asJSON {
		return bench.WriteSizesJSON(out, reports)
	}
	return nil
}
