package scan

// Bounds applies Python's rules for the optional start and end of
// bytes.find, bytes.rfind and bytes.count (CPython's ADJUST_INDICES) to a
// text of length n and a needle of length k: a negative bound counts from
// the end and is raised to 0, end is lowered to n, and start is NOT lowered
// to n. It reports whether a needle of length k fits in [lo, hi); when it
// does not, find gives -1 and count 0, even for an empty needle:
// b"abc".find(b"", 4) is -1 and b"abc".count(b"", 4) is 0.
// Pass start 0 and end n for the whole text.
func Bounds(n, start, end, k int) (lo, hi int, ok bool) {
	lo, hi = start, end
	if hi > n {
		hi = n
	} else if hi < 0 {
		hi = max(hi+n, 0)
	}
	if lo < 0 {
		lo = max(lo+n, 0)
	}
	// hi-lo cannot overflow: both lie in [0, max(n, start)].
	if hi < lo || hi-lo < k {
		return lo, hi, false
	}
	return lo, hi, true
}
