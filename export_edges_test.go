package mmap

// SetReplaceHook sets the function ReplaceFile calls at the points where
// another process's change matters ("scanned", "moved", "written"; "checked" just after its last look at
// the size), for
// tests that make that change happen there; nil removes it.
func SetReplaceHook(f func(point string)) { replaceHook = f }

// SetMoveByPopulate chooses how a growing ReplaceFile writes the moved
// content (BenchmarkReplaceLonger) and returns the previous choice.
func SetMoveByPopulate(on bool) bool {
	old := moveByPopulate
	moveByPopulate = on
	return old
}
