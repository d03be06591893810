package shm_test

import (
	"fmt"
	"log"

	"github.com/mmapkit/mmap/shm"
)

// A scratch segment that must not outlive this process, even if it is
// killed: Tracked has a tracker process unlink it when the process exits
// (TestTrackedSIGKILL shows it with SIGKILL). Unlinking it earlier makes
// the tracker forget it.
func ExampleTracked() {
	s, err := shm.Create("", 1<<20, shm.Tracked())
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	copy(s.Bytes(), "scratch for workers that attach by name")
	fmt.Println(len(s.Bytes()))

	// Done early: unlink it now; the tracker forgets it, and exits when
	// it tracks nothing else.
	if err := s.Unlink(); err != nil {
		log.Fatal(err)
	}
	// Output: 1048576
}
