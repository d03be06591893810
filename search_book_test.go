package mmap_test

import "os"

const bookPath = "../shared/corpus/don-quixote.txt"

// readBook returns the Don Quixote corpus, or nil where it is absent.
func readBook() []byte {
	b, err := os.ReadFile(bookPath)
	if err != nil {
		return nil
	}
	return b
}
