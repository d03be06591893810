package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mmapkit/mmap"
)

func newReplaceCmd() *cobra.Command {
	var all, dryRun, safe, sync bool
	cmd := &cobra.Command{
		Use:   "replace FILE OLD NEW",
		Short: "Replace OLD by NEW in FILE, in place, and print the number of replacements",
		Long: `Replace the first occurrence of OLD in FILE by NEW, or every non-overlapping
occurrence with --all, in place through a memory map, and print the number of
replacements. NEW may be longer or shorter than OLD: the file grows or shrinks
and the bytes after each replacement move. OLD and NEW are taken as bytes;
OLD must not be empty. With --dry-run FILE is not changed and the number
printed is the number of replacements that would be made.

In place, a crash or another process truncating FILE midway can leave a mix
of old and new content when NEW has another length; --safe writes the result
to a synced temporary file beside FILE and renames it over FILE instead
(FILE becomes a new inode).

SIGINT or SIGTERM stop replace at once (exit 130 or 143) with --safe or
--dry-run: FILE is as it was, or, if the rename was done, the new content,
and no temporary file is left. Without --safe, a signal that arrives while
FILE is rewritten in place takes effect when the rewrite ends.`,
		Example: `  mmap replace config.bin 'v1.2.3' 'v1.2.4'
  mmap replace book.txt ' the ' ' python ' --all`,
		Args: exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, old, new := args[0], []byte(args[1]), []byte(args[2])
			if len(old) == 0 {
				return usagef("replace: OLD must not be empty")
			}
			n := 1
			if all {
				n = -1
			}
			stop := func() {}
			if fi, err := os.Stat(path); err == nil && large(fi.Size()) {
				stop = newProgress("replace", -1, spinner).spin()
			}
			var opts []mmap.ReplaceOption
			if dryRun {
				opts = append(opts, mmap.WithDryRun())
			}
			if safe {
				opts = append(opts, mmap.WithSafeReplace())
			}
			if sync {
				opts = append(opts, mmap.WithSync())
			}
			var k int
			var err error
			replace := func() { k, err = mmap.ReplaceFile(path, old, new, n, opts...) }
			if safe || dryRun {
				// Stopped, the temporary file goes and FILE stays as it
				// was, or, once renamed, is the new content.
				defer interrupts.onInterrupt(removeNewTemps(filepath.Dir(path), "."+filepath.Base(path)+".replace-"))()
				replace()
			} else {
				// In place, a stop midway would leave a mix of old and new.
				interrupts.uninterruptible(replace)
			}
			stop()
			if err != nil {
				return failed(fmt.Errorf("replace %s: %w", path, err))
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), k)
			return failed(err)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "replace every occurrence, not only the first")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "count the replacements but do not change FILE")
	cmd.Flags().BoolVar(&safe, "safe", false, "all or nothing: write a synced temporary file and rename it over FILE")
	cmd.Flags().BoolVar(&sync, "sync", false, "wait until the change is on disk")
	return cmd
}
