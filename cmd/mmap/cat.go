package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func newCatCmd() *cobra.Command {
	var offset, length int64
	cmd := &cobra.Command{
		Use:   "cat FILE",
		Short: "Write a range of FILE to stdout, straight from the map",
		Long: `Write FILE, or the --length bytes at --offset, to stdout. The bytes go from the
mapped memory to the output without a copy in between (Map.WriteTo). A range
that ends past the end of FILE is an error.`,
		Example: "  mmap cat disk.img --offset 512 --length 64 | xxd",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if offset < 0 {
				return usagef("cat: --offset %d: want 0 or more", offset)
			}
			if length < 0 {
				return usagef("cat: --length %d: want 0 or more", length)
			}
			opts := []mmap.Option{mmap.WithOffset(offset)}
			if cmd.Flags().Changed("length") && length > 0 {
				opts = append(opts, mmap.WithLength(length))
			}
			m, err := mmap.Open(args[0], opts...) // checks the range, also for --length 0
			if err != nil {
				return failed(err)
			}
			defer m.Close()
			if cmd.Flags().Changed("length") && length == 0 {
				return nil
			}
			if _, err := m.WriteTo(cmd.OutOrStdout()); err != nil {
				return failed(fmt.Errorf("cat %s: %w", args[0], err))
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&offset, "offset", 0, "first byte to write")
	cmd.Flags().Int64Var(&length, "length", 0, "number of bytes to write (default to the end of FILE)")
	return cmd
}
