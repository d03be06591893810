package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func newCatCmd() *cobra.Command {
	var offsetArg, lengthArg string
	cmd := &cobra.Command{
		Use:   "cat FILE",
		Short: "Write a range of FILE to stdout, straight from the map",
		Long: `Write FILE, or the --length bytes at --offset, to stdout. The bytes go from the
mapped memory to the output without a copy in between (Map.WriteTo). A range
that ends past the end of FILE is an error. Sizes take the units of every
size argument: 1k = 1000, 1KiB = 1024 (see mmap --help).`,
		Example: "  mmap cat disk.img --offset 512 --length 64 | xxd",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			offset, err := sizeFlag("cat", "offset", offsetArg)
			if err != nil {
				return err
			}
			length, err := sizeFlag("cat", "length", lengthArg)
			if err != nil {
				return err
			}
			if fi, err := os.Stat(args[0]); err == nil && fi.Mode().IsRegular() {
				size := fi.Size()
				switch {
				case offset > size:
					return failed(fmt.Errorf("cat %s: --offset %d is past the end of the %d-byte file", args[0], offset, size))
				case cmd.Flags().Changed("length") && length > size-offset:
					return failed(fmt.Errorf("cat %s: --offset %d --length %d ends past the end of the %d-byte file (at most --length %d)", args[0], offset, length, size, size-offset))
				}
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
	cmd.Flags().StringVar(&offsetArg, "offset", "0", "first byte to write (a size: 512, 4KiB, 1M)")
	cmd.Flags().StringVar(&lengthArg, "length", "", "number of bytes to write, a size like --offset (default to the end of FILE)")
	return cmd
}
