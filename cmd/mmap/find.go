package main

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func newFindCmd(name string, last bool) *cobra.Command {
	var start, end int
	what, fn := "first", "find"
	if last {
		what, fn = "last", "rfind"
	}
	cmd := &cobra.Command{
		Use:   name + " FILE NEEDLE",
		Short: fmt.Sprintf("Print the offset of the %s NEEDLE in FILE, or -1", what),
		Long: fmt.Sprintf(`Print the byte offset of the %s occurrence of NEEDLE that lies wholly
within FILE[start:end], or -1, with the semantics of Python's bytes.%s and
mmap.%s: a negative bound counts from the end, bounds out of range are
clamped, and the defaults are 0 and the length of the file. NEEDLE is taken
as bytes. The exit status is 0 whether or not NEEDLE is found.`, what, fn, fn),
		Example: fmt.Sprintf("  mmap %s big.log ERROR --start -1000000", name),
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("end") {
				end = math.MaxInt // Python's default: the end
			}
			m, err := mmap.Open(args[0])
			if err != nil {
				return failed(err)
			}
			defer m.Close()
			find := m.FindIn
			if last {
				find = m.RFindIn
			}
			i, err := find([]byte(args[1]), start, end)
			if err != nil {
				return failed(fmt.Errorf("%s %s: %w", name, args[0], err))
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), i)
			return failed(err)
		},
	}
	cmd.Flags().IntVar(&start, "start", 0, "start of the range searched; negative counts from the end")
	cmd.Flags().IntVar(&end, "end", 0, "end of the range searched (default the length of FILE); negative counts from the end")
	return cmd
}
