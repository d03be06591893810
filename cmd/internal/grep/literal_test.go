package grep

import (
	"bytes"
	"testing"
)

// TestIndexLiteral checks indexLiteral against bytes.Index at every start
// and with every byte of the literal as the anchor.
func TestIndexLiteral(t *testing.T) {
	hay := []byte("the other thesis, then the theme: th e thethe")
	for _, lit := range []string{"the", "th", "he", "e:", "ethe", "thethe", "zz", "s, t", "x"} {
		for rare := range len(lit) {
			for from := range len(hay) + 1 {
				want := bytes.Index(hay[from:], []byte(lit))
				if got := indexLiteral(hay[from:], []byte(lit), rare); got != want {
					t.Fatalf("indexLiteral(%q, %q, %d) = %d, want %d", hay[from:], lit, rare, got, want)
				}
			}
		}
	}
	for _, lit := range []string{"the", "th", "e:", "thethe", "zz", "s, t", "x", "ther"} {
		for rare := range len(lit) {
			for from := range len(hay) + 1 {
				want := bytes.Index(bytes.ToLower(hay[from:]), []byte(lit))
				upper := bytes.ToUpper(hay[from:])
				if got := indexFold(upper, []byte(lit), rare); got != want {
					t.Fatalf("indexFold(%q, %q, %d) = %d, want %d", upper, lit, rare, got, want)
				}
			}
		}
	}
	if got := rarestByte([]byte("the")); got != 1 {
		t.Errorf("rarestByte(the) = %d, want 1 (h)", got)
	}
}
