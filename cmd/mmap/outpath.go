package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// checkOutputPath checks, before a long run, that the run will be able to
// write its result to path ("" is no file): the extension is one of exts
// and the file can be created or written. It changes nothing on disk.
func checkOutputPath(path string, exts ...string) error {
	if path == "" {
		return nil
	}
	if ext := strings.ToLower(filepath.Ext(path)); !slices.Contains(exts, ext) {
		return fmt.Errorf("%s: want a file name ending in %s", path, strings.Join(exts, " or "))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		f.Close()
		return os.Remove(path)
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	if f, err = os.OpenFile(path, os.O_WRONLY, 0); err != nil { // no O_TRUNC: nothing changes yet
		return err
	}
	return f.Close()
}
