package main

import (
	"errors"
	"io/fs"
	"unicode/utf8"

	"github.com/mmapkit/mmap/internal/platformtest"
	"github.com/mmapkit/mmap/shm"
)

// cannotApply returns why running the CLI with args cannot show what the
// tests expect on this platform, or "" when it can.
func cannotApply(args []string) string {
	for _, a := range args {
		if ok, why := platformtest.ArgsCarryBytes(); !utf8.ValidString(a) && !ok {
			return why
		}
	}
	if len(args) >= 2 && args[0] == "shm" && args[1] == "rm" {
		// Where a segment lives only while a process holds it (Windows),
		// shm.Unlink has nothing to remove and does nothing, as documented.
		if err := shm.Unlink("mmap-cli-test-never-made"); !errors.Is(err, fs.ErrNotExist) {
			return "shm.Unlink of a name never made is not fs.ErrNotExist here (segments have no lasting names)"
		}
	}
	return ""
}
