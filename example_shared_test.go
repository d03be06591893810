package mmap_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/mmapkit/mmap"
)

// exampleChildEnv makes this test binary run as the child of ExampleShared.
const exampleChildEnv = "MMAP_EXAMPLE_SHARED_CHILD"

// The child's side of ExampleShared: any Go program that calls
// mmap.SharedFromEnv. Here it is this very binary, started again.
func init() {
	if os.Getenv(exampleChildEnv) == "" {
		return
	}
	m, err := mmap.SharedFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	copy(m.Bytes(), bytes.Repeat([]byte("b"), 50))
	m.Close()
	os.Exit(0)
}

// The parent makes shared memory, hands it to a child process with
// ShareWith, and sees what the child wrote. Python would need fork for
// this: mmap.mmap(-1, 100) before os.fork().
func ExampleShared() {
	m, err := mmap.Shared(100)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	copy(m.Bytes(), bytes.Repeat([]byte("a"), 100))

	cmd := exec.Command(os.Args[0]) // the child, which calls mmap.SharedFromEnv
	cmd.Env = append(os.Environ(), exampleChildEnv+"=1")
	if _, err := m.ShareWith(cmd); err != nil { // sets MMAP_SHARED in cmd.Env
		log.Fatal(err)
	}
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(m.Bytes()[40:60]))
	// Output: bbbbbbbbbbaaaaaaaaaa
}

// A counter that several processes update at once: sync/atomic works on
// shared memory.
func ExampleAtomicUint64() {
	m, err := mmap.Shared(mmap.PageSize())
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	hits, err := mmap.AtomicUint64(m, 0) // valid until m is closed
	if err != nil {
		log.Fatal(err)
	}
	hits.Add(1) // in the parent and in every child given m by ShareWith
	fmt.Println(hits.Load())
	// Output: 1
}
