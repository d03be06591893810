//go:build race

package mmap_test

// raceEnabled says the tests run with the race detector, whose shadow
// memory and slowdown make memory and time bounds meaningless.
const raceEnabled = true
