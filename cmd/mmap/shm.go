package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/shm"
)

func newShmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shm",
		Short: "Named shared memory: create, write, cat, rm, ls",
		Long: `Manage named shared memory segments, the ones Python's
multiprocessing.shared_memory.SharedMemory(NAME) and shm_open("/NAME") use
(on Linux the files in /dev/shm).`,
		Example: `  mmap shm create demo 4096
  mmap shm write demo --offset 10 hello
  mmap shm cat demo | xxd | head
  mmap shm ls
  mmap shm rm demo`,
		Args: cobra.ArbitraryArgs,
		RunE: unknownCommand,
	}
	cmd.AddCommand(newShmCreateCmd(), newShmWriteCmd(), newShmCatCmd(), newShmRmCmd(), newShmLsCmd())
	return cmd
}

func newShmCreateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "create NAME SIZE",
		Short: "Create a zero-filled segment of SIZE bytes (like 4096 or 1MiB) and print its name",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			size, err := parseSize(args[1])
			if err != nil {
				return usagef("shm create: %v", err)
			}
			if size == 0 {
				return usagef("shm create: SIZE must be positive")
			}
			s, err := shm.Create(args[0], size)
			if err != nil {
				return failed(err)
			}
			name := s.Name()
			if err := s.Close(); err != nil {
				return failed(err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), name)
			return failed(err)
		},
	}
}

func newShmWriteCmd() *cobra.Command {
	var offset int64
	cmd := &cobra.Command{
		Use:   "write NAME DATA",
		Short: "Write DATA into the segment at --offset",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if offset < 0 {
				return usagef("shm write: --offset %d: want 0 or more", offset)
			}
			s, err := shm.Open(args[0])
			if err != nil {
				return failed(err)
			}
			defer s.Close()
			if _, err := s.Map().WriteAt([]byte(args[1]), offset); err != nil {
				return failed(fmt.Errorf("shm write %s: %d bytes at offset %d do not fit the %d-byte segment", args[0], len(args[1]), offset, s.Size()))
			}
			return failed(s.Close())
		},
	}
	cmd.Flags().Var(sizeValue{&offset, false}, "offset", "where DATA goes in the segment (a size: 512, 4KiB, 1M)")
	return cmd
}

func newShmCatCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "cat NAME",
		Short: "Write the whole segment to stdout",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := shm.Open(args[0], shm.WithAccess(mmap.ReadOnly))
			if err != nil {
				return failed(err)
			}
			defer s.Close()
			if _, err := s.Map().WriteTo(cmd.OutOrStdout()); err != nil {
				return failed(fmt.Errorf("shm cat %s: %w", args[0], err))
			}
			return nil
		},
	}
}

func newShmRmCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove the segment's name (processes attached keep it until they close it)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return failed(shm.Unlink(args[0]))
		},
	}
}

func newShmLsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "List the segments: name, size in bytes, mode",
		Long: `List the segments: name, size in bytes, mode. A name that holds a
control character, a space, a quote, a backslash or bytes that are not
UTF-8 is printed as a Go string literal ("a\nb"), so that every line is
one segment and no name can write escape sequences to the terminal.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := shm.List()
			if err != nil {
				return failed(err)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			for _, s := range list {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", displayName(s.Name), s.Size, s.Mode)
			}
			return failed(tw.Flush())
		},
	}
}

// displayName returns name as it is when it prints as itself on one
// line and in one column, and quoted (strconv.Quote) otherwise.
func displayName(name string) string {
	if q := strconv.Quote(name); q[1:len(q)-1] != name || strings.Contains(name, " ") {
		return q
	}
	return name
}
