//go:build linux || windows

package shm_test

import (
	"fmt"
	"log"

	"github.com/mmapkit/mmap/shm"
)

// Create a segment, write to it, attach it again by name (as another
// process, or Python's SharedMemory(name), would) and read, then unlink it.
func ExampleCreate() {
	name := prefix + "example" // any name; "" picks a random one
	s, err := shm.Create(name, 100)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	defer s.Unlink()
	copy(s.Bytes(), "hello, shared world")

	o, err := shm.Open(name)
	if err != nil {
		log.Fatal(err)
	}
	defer o.Close()
	fmt.Println(s.Size(), string(o.Bytes()[:19]))

	o.Map().WriteAt([]byte("HELLO"), 0)
	fmt.Println(string(s.Bytes()[:19]))
	// Output:
	// 100 hello, shared world
	// HELLO, shared world
}
