package shm_test

import (
	"testing"

	"github.com/mmapkit/mmap/shm"
)

// What a ShareableList item costs to read and write, the locks included
// (on Linux two flock calls per Get or Set).
func BenchmarkShareableList(b *testing.B) {
	l, err := shm.NewShareableList(newName(), []any{"a string of 24 bytes....", int64(1)})
	if err != nil {
		b.Skip(err)
	}
	defer l.Close()
	defer l.Unlink()
	b.Run("GetInt", func(b *testing.B) {
		for b.Loop() {
			l.Get(1)
		}
	})
	b.Run("GetString", func(b *testing.B) {
		for b.Loop() {
			l.Get(0)
		}
	})
	b.Run("SetInt", func(b *testing.B) {
		for b.Loop() {
			l.Set(1, 42)
		}
	})
	b.Run("SetString", func(b *testing.B) {
		for b.Loop() {
			l.Set(0, "another string")
		}
	})
}

// What Tracked adds to Create+Unlink: "Untracked" is the baseline;
// "TrackedWarm" runs while another tracked segment keeps the tracker
// alive (two pipe writes); "TrackedCold" starts a tracker each time (the
// last Unlink ends it).
func BenchmarkCreateUnlink(b *testing.B) {
	run := func(b *testing.B, opts ...shm.Option) {
		for b.Loop() {
			s, err := shm.Create(newName(), 4096, opts...)
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
			s.Unlink()
		}
	}
	b.Run("Untracked", func(b *testing.B) { run(b) })
	b.Run("TrackedWarm", func(b *testing.B) {
		keep, err := shm.Create(newName(), 8, shm.Tracked())
		if err != nil {
			b.Skip(err)
		}
		defer keep.Unlink()
		defer keep.Close()
		run(b, shm.Tracked())
	})
	b.Run("TrackedCold", func(b *testing.B) { run(b, shm.Tracked()) })
}
