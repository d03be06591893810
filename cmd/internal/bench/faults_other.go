//go:build !unix

package bench

// faults returns -1: this OS gives no page fault count here.
func faults() int64 { return -1 }
