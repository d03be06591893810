package scan

import "bytes"

// Each is the one non-overlapping scan: it calls fn with the offset of
// every occurrence of sub in data that a scan from the left starting at
// from finds, in order, each occurrence lying wholly in data, until fn
// returns false. An empty sub occurs at every offset from from to
// len(data).
func Each(data, sub []byte, from int, fn func(i int) bool) {
	step := max(len(sub), 1)
	for i := from; i <= len(data); {
		j := bytes.Index(data[i:], sub)
		if j < 0 {
			return
		}
		i += j
		if !fn(i) {
			return
		}
		i += step
	}
}

// index is bytes.Index or bytes.LastIndex of sub in data[lo:hi], as an
// offset in data, or -1.
func index(data, sub []byte, lo, hi int, last bool) int {
	var i int
	if last {
		i = bytes.LastIndex(data[lo:hi], sub)
	} else {
		i = bytes.Index(data[lo:hi], sub)
	}
	if i >= 0 {
		i += lo
	}
	return i
}
