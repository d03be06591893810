package mmap_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"reflect"
	"testing"

	"github.com/mmapkit/mmap"
)

// pythonOracle runs a python3 program that maps path with CPython's mmap and
// prints JSON; the test is skipped where python3 is missing.
func pythonOracle(t *testing.T, path, program string, out any) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: skipping the comparison with CPython's mmap")
	}
	prelude := "import json, mmap, sys\nf = open(sys.argv[1], 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
	raw, err := exec.Command(py, "-c", prelude+program, path).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("python3 output %q: %v", raw, err)
	}
}

// TestAgainstCPython runs find/rfind/count with every bound pair (against
// Python's bytes, whose bound rules mmap.find follows since 3.15), readline, read
// after seek, and slices through CPython's mmap and through Map.
func TestAgainstCPython(t *testing.T) {
	data := "one two ones\nline2\r\n\nthe end \x00 of one\nlast"
	n := len(data)
	path := writeFile(t, []byte(data))
	needles := []string{"one", "o", "ne", "\n", "", "last", "zz", "\x00 o"}

	type result struct {
		Find  [][][]int
		Lines []string
		Reads []string
		Slice [][]string
	}
	var py result
	pythonOracle(t, path, `
n = len(m)
needles = [b"one", b"o", b"ne", b"\n", b"", b"last", b"zz", b"\x00 o"]
b = m[:]  # bytes: CPython before 3.15 (gh-151021) finds an empty needle past the end
find = [[[b.find(s, i, j), b.rfind(s, i, j), b.count(s, i, j)] for i in range(-n-1, n+2) for j in range(-n-1, n+2)] for s in needles]
lines = []
while True:
    l = m.readline()
    if not l: break
    lines.append(l.decode('latin-1'))
reads = []
for pos, k in [(0, 5), (3, 0), (10, 100), (n, 4), (n-1, 1), (7, -1)]:
    m.seek(pos); reads.append(m.read(k).decode('latin-1') + '|' + str(m.tell()))
sl = [[m[i:j].decode('latin-1') for j in range(0, n+1)] for i in range(0, n+1)]
print(json.dumps({"Find": find, "Lines": lines, "Reads": reads, "Slice": sl}))
`, &py)

	m := mustOpen(t, path, mmap.ReadOnly)
	var got result
	for _, s := range needles {
		var rows [][]int
		for i := -n - 1; i < n+2; i++ {
			for j := -n - 1; j < n+2; j++ {
				f, _ := m.FindIn([]byte(s), i, j)
				r, _ := m.RFindIn([]byte(s), i, j)
				c, _ := m.CountIn([]byte(s), i, j)
				rows = append(rows, []int{f, r, c})
			}
		}
		got.Find = append(got.Find, rows)
	}
	for {
		l, err := m.ReadLine()
		if err == io.EOF {
			break
		}
		got.Lines = append(got.Lines, latin1(l))
	}
	for _, c := range [][2]int{{0, 5}, {3, 0}, {10, 100}, {n, 4}, {n - 1, 1}, {7, -1}} {
		m.Seek(int64(c[0]), io.SeekStart)
		k := c[1]
		if k < 0 { // Python: read() with a negative size reads to the end
			k = n
		}
		buf := make([]byte, k)
		r, _ := m.Read(buf)
		got.Reads = append(got.Reads, latin1(buf[:r])+"|"+itoa(m.Pos()))
	}
	for i := 0; i <= n; i++ {
		var row []string
		for j := 0; j <= n; j++ {
			buf := make([]byte, max(j-i, 0))
			r, _ := m.ReadAt(buf, int64(i))
			row = append(row, latin1(buf[:r]))
		}
		got.Slice = append(got.Slice, row)
	}
	for i, s := range needles {
		if !reflect.DeepEqual(got.Find[i], py.Find[i]) {
			t.Errorf("find/rfind/count of %q differ from CPython's bytes", s)
		}
	}
	if !reflect.DeepEqual(got.Lines, py.Lines) {
		t.Errorf("readline: %q, CPython %q", got.Lines, py.Lines)
	}
	if !reflect.DeepEqual(got.Reads, py.Reads) {
		t.Errorf("seek+read: %q, CPython %q", got.Reads, py.Reads)
	}
	if !reflect.DeepEqual(got.Slice, py.Slice) {
		t.Errorf("slices differ from CPython")
	}
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
