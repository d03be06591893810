package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mmap",
		Short: "Memory-mapped file tools: find, grep, replace in place, cat, shared memory, bench",
		Long: `mmap puts the github.com/mmapkit/mmap library to work on files from the shell.

Errors go to stderr as one line starting with "mmap: " and exit 1; usage
errors exit 2; grep exits as grep does. SIGINT and SIGTERM stop any command
within 100 ms with exit status 130 and 143 (replace without --safe first
finishes the rewrite it is in, so the file is never half replaced). Flags
may come before or after the arguments; put -- before an argument that
starts with a dash.

Sizes (cat --offset and --length, find and rfind --start and --end, shm
create SIZE and shm write --offset, bench --size) are a number of bytes
with an optional unit: k, M, G, T are powers of 1000, KiB, MiB, GiB, TiB powers of
1024 (1k = 1000, 1KiB = 1024; the B and the case are optional).`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          unknownCommand,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see %s --help)", cmdName(c), err, c.CommandPath())
	})
	root.SetVersionTemplate("mmap {{.Version}}\n")
	root.AddCommand(
		newFindCmd("find", false),
		newFindCmd("rfind", true),
		newGrepCmd(),
		newReplaceCmd(),
		newCatCmd(),
		newShmCmd(),
		newBenchCmd(),
	)
	// cobra adds its completion command when it runs; add it now so
	// that an unknown shell is a usage error, not help and exit 0.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = cobra.ArbitraryArgs
			c.RunE = unknownCommand
		}
	}
	return root
}

// version is the module's version, as go install records it, or "(devel)"
// with the commit when built from a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}

// unknownCommand runs for a command that has subcommands but was given
// none, or one it does not have.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usagef("%smissing command (see %s --help)", prefix(cmd), cmd.CommandPath())
	}
	return usagef("%sunknown command %q (see %s --help)", prefix(cmd), args[0], cmd.CommandPath())
}

// cmdName is the command's path without the program's name: "shm create".
func cmdName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// prefix is "NAME: " for a subcommand, "" for the root.
func prefix(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return ""
	}
	return cmdName(cmd) + ": "
}

// exactArgs is cobra.ExactArgs with a message that names the arguments.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s: want %d arguments, got %d (usage: %s)", cmdName(cmd), n, len(args), cmd.UseLine())
		}
		return nil
	}
}

// sizeFlag parses the value of --NAME of command cmd as a size; "" is 0.
func sizeFlag(cmd, name, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, usagef("%s: --%s: %v", cmd, name, err)
	}
	return n, nil
}

// sizeValue is a flag that takes a size in parseSize's units; signed ones
// also take a minus sign (find's --start and --end count from the end when
// negative, as Python's bounds do).
type sizeValue struct {
	n      *int64
	signed bool
}

func (v sizeValue) String() string {
	if v.n == nil {
		return "0"
	}
	return strconv.FormatInt(*v.n, 10)
}

func (v sizeValue) Set(s string) error {
	t := strings.TrimSpace(s)
	neg := v.signed && strings.HasPrefix(t, "-")
	if neg {
		t = t[1:]
	}
	n, err := parseSize(t)
	if err != nil {
		return fmt.Errorf("invalid size %q: want a number of bytes like 4096, 64MiB or 1GiB%s", s,
			map[bool]string{true: ", negative to count from the end", false: ""}[v.signed])
	}
	if neg {
		n = -n
	}
	*v.n = n
	return nil
}

func (v sizeValue) Type() string { return "size" }

// parseSize parses a byte count: a decimal number with an optional unit
// (k, M, G, T: powers of 1000; KiB, MiB, GiB, TiB: powers of 1024; a
// trailing B is optional).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"ki", 1 << 10}, {"mi", 1 << 20}, {"gi", 1 << 30}, {"ti", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1},
	}
	lower := strings.ToLower(t)
	for _, u := range units {
		if strings.HasSuffix(lower, u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q: want a number of bytes like 4096, 64MiB or 1GiB", s)
	}
	if n > 0 && mult > (1<<63-1)/n {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return n * mult, nil
}
