package mmap

// SetReserveByFallocate chooses whether ReplaceFile reserves space with
// fallocate or, as on a filesystem without it, by writing zeros, and
// returns the previous choice.
func SetReserveByFallocate(on bool) bool {
	old := reserveByFallocate
	reserveByFallocate = on
	return old
}
