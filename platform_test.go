package mmap_test

import (
	"errors"
	"testing"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/internal/platformtest"
)

// Where the OS has no madvise (Windows), Advise keeps its documented
// promise: errors.ErrUnsupported for advice the OS does not have,
// AdvicePopulateRead served by touching every page, and Lock and Unlock
// (VirtualLock) work. TestAdviseAndLock covers the systems with madvise.
func TestAdviseWithoutMadvise(t *testing.T) {
	if platformtest.HasMadvise() {
		t.Skip("this OS has madvise: TestAdviseAndLock")
	}
	m := mustOpen(t, writeFile(t, pattern(4*mmap.PageSize())), mmap.ReadOnly)
	for _, a := range []mmap.Advice{mmap.AdviceNormal, mmap.AdviceRandom, mmap.AdviceSequential, mmap.AdviceWillNeed} {
		if err := m.Advise(a); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Advise(%v): %v, want errors.ErrUnsupported", a, err)
		}
		if err := m.AdviseRange(a, 1, 10); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("AdviseRange(%v, 1, 10): %v, want errors.ErrUnsupported", a, err)
		}
	}
	if err := m.Advise(mmap.AdvicePopulateRead); err != nil {
		t.Errorf("Advise(AdvicePopulateRead): %v", err)
	}
	if err := m.AdviseRange(mmap.AdvicePopulateRead, 1, 10); err != nil {
		t.Errorf("AdviseRange(AdvicePopulateRead, 1, 10): %v", err)
	}
	if err := m.Lock(); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
}
