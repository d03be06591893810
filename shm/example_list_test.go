//go:build linux || windows

package shm_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/mmapkit/mmap/shm"
)

// A ShareableList shared with another process (Go, or Python's
// ShareableList(name=...)): make it, attach it by name, change an item,
// read them all.
func ExampleNewShareableList() {
	name := prefix + "example_list" // "" picks a random name
	l, err := shm.NewShareableList(name, []any{"howdy", []byte("HoWdY"), -273.154, 100, nil, true, 42})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	defer l.Unlink()
	fmt.Println(l.Len(), l.Format())

	other, err := shm.OpenShareableList(name) // as another process would
	if err != nil {
		log.Fatal(err)
	}
	defer other.Close()
	if err := other.Set(3, 7); err != nil {
		log.Fatal(err)
	}
	if err := other.Set(0, "toolongforit"); errors.Is(err, shm.ErrCapacity) {
		fmt.Println("item 0 holds at most 8 bytes; unchanged")
	}
	for v, err := range l.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%T %v\n", v, v)
	}
	// Output:
	// 7 8s8sdqxxxxxx?xxxxxxxx?q
	// item 0 holds at most 8 bytes; unchanged
	// string howdy
	// []uint8 [72 111 87 100 89]
	// float64 -273.154
	// int64 7
	// <nil> <nil>
	// bool true
	// int64 42
}
