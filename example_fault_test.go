//go:build !windows

// Windows refuses to truncate a mapped file (ERROR_USER_MAPPED_FILE), so
// this example cannot happen there, and an example cannot skip itself.

package mmap_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mmapkit/mmap"
)

// A file truncated by another process while it is mapped gives an error,
// not a crash (SIGBUS), from every method and from Guard.
func ExampleFaultError() {
	path := exampleFile(string(make([]byte, 3*mmap.PageSize())))
	defer os.RemoveAll(filepath.Dir(path))

	m, err := mmap.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	os.Truncate(path, 0) // what another process might do

	_, err = m.ReadAt(make([]byte, 10), int64(2*mmap.PageSize()))
	var fault *mmap.FaultError
	fmt.Println(errors.As(err, &fault), errors.Is(err, mmap.ErrTruncated))
	// Output: true true
}
