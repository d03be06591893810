package scan

import (
	"bytes"
	"fmt"
	"math/rand"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestBoundsAgainstPython checks Bounds, through Find and Count, against
// the local python3's bytes.find, bytes.rfind and bytes.count over every
// start and end in range(-n-2, n+3).
func TestBoundsAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	const hay = "abcab"
	subs := []string{"", "a", "ab", "b", "zz"}
	script := `
h = b"abcab"; n = len(h)
for s in [b"", b"a", b"ab", b"b", b"zz"]:
    for i in range(-n-2, n+3):
        for j in range(-n-2, n+3):
            print(h.find(s, i, j), h.rfind(s, i, j), h.count(s, i, j))
`
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "\n")
	t0 := Default()
	k, n := 0, len(hay)
	for _, s := range subs {
		for i := -n - 2; i < n+3; i++ {
			for j := -n - 2; j < n+3; j++ {
				f, _ := Find(&t0, nil, []byte(hay), []byte(s), i, j, false)
				r, _ := Find(&t0, nil, []byte(hay), []byte(s), i, j, true)
				c, _ := Count(&t0, nil, []byte(hay), []byte(s), i, j)
				if got := fmt.Sprint(f, r, c); got != want[k] {
					t.Fatalf("%q in %q [%d:%d]: find rfind count = %s; Python %s", s, hay, i, j, got, want[k])
				}
				k++
			}
		}
	}
}

// TestPiecesCover checks the cutting rule: every byte but the cuts lies in
// exactly one piece, every cut is a '\n', and the parallel and sequential
// drivers cut alike.
func TestPiecesCover(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 2000; iter++ {
		data := make([]byte, r.Intn(60))
		for i := range data {
			data[i] = "ab\n"[r.Intn(3)]
		}
		w := 1 + r.Intn(9)
		check := func(driver string, pieces [][2]int) {
			owner := make([]int, len(data))
			for _, p := range pieces {
				for i := p[0]; i < p[1]; i++ {
					owner[i]++
				}
			}
			for i, o := range owner {
				if o > 1 || o == 0 && data[i] != '\n' {
					t.Fatalf("%s: %q, w=%d: byte %d in %d pieces (%v)", driver, data, w, i, o, pieces)
				}
			}
			sort.Slice(pieces, func(i, j int) bool { return pieces[i][0] < pieces[j][0] })
			if len(pieces) == 0 || pieces[0][0] != 0 {
				t.Fatalf("%s: %q, w=%d: pieces %v do not start at 0", driver, data, w, pieces)
			}
			end := 0
			for _, p := range pieces {
				end = max(end, p[1])
			}
			if end != len(data) {
				t.Fatalf("%s: %q, w=%d: pieces %v do not reach the end", driver, data, w, pieces)
			}
		}
		var seq [][2]int
		EachPiece(data, w, func(a, b int) bool {
			seq = append(seq, [2]int{a, b})
			return true
		})
		check("EachPiece", seq)
		tu := Tuning{Workers: 3, RegexpParallel: 1, Window: w}
		var par [][2]int
		var mu sync.Mutex
		Pieces(&tu, nil, data, func(a, b int) {
			mu.Lock()
			par = append(par, [2]int{a, b})
			mu.Unlock()
		})
		check("Pieces", par)
	}
}

// TestPositionsStitch checks the stitching rule on self-overlapping
// needles, for every block size.
func TestPositionsStitch(t *testing.T) {
	for _, text := range []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababab", "aabaabaaabaaaab"} {
		for _, sub := range []string{"aa", "aaa", "aba", "abab", "a"} {
			for block := 1; block < 8; block++ {
				tu := Tuning{Workers: 4, CountParallel: 1, MinBlock: block, MaxBlock: block}
				var want []int
				Each([]byte(text), []byte(sub), 0, func(i int) bool { want = append(want, i); return true })
				got, _ := Positions(&tu, nil, []byte(text), []byte(sub), -1)
				n, _ := Count(&tu, nil, []byte(text), []byte(sub), 0, len(text))
				if fmt.Sprint(got) != fmt.Sprint(want) || n != bytes.Count([]byte(text), []byte(sub)) {
					t.Fatalf("%q in %q, block %d: positions %v count %d; want %v", sub, text, block, got, n, want)
				}
			}
		}
	}
}
