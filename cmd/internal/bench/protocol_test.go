package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestChunkedFind checks the careful read loop against bytes.Index, with
// the needle placed across every chunk edge and from several starts.
func TestChunkedFind(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	size := firstChunk + 2*nextChunk + 100
	base := make([]byte, size)
	for i := range base {
		base[i] = "abcdefgh \n"[r.IntN(10)]
	}
	sub := []byte(needle)
	for _, at := range []int{0, 7, firstChunk - 3, firstChunk, firstChunk + nextChunk - 1, size - len(sub), -1} {
		data := bytes.Clone(base)
		if at >= 0 {
			copy(data[at:], sub)
		}
		path := writeTemp(t, data)
		for _, start := range []int64{0, 5, seekOffset, firstChunk - 1, int64(size)} {
			want := -1
			if start <= int64(len(data)) {
				if i := bytes.Index(data[start:], sub); i >= 0 {
					want = int(start) + i
				}
			}
			got, err := chunkedFind(path, sub, start)
			if err != nil || got != want {
				t.Errorf("needle at %d, start %d: got %d, %v; want %d", at, start, got, err, want)
			}
		}
	}
}

// nonASCII is text where characters and bytes differ, with matches of the
// seed's regex next to non-ASCII letters, which Python's str \b sees as
// word characters and Go's \b does not.
const nonASCII = "“Señora,” said the niño; the knight answered: “señor, these words ‘never’ fail.”\n" +
	"Años after, Dulcinea’s horse — a great beast — stood there. Éclair and Ñoquis, the water.\n"

// TestRunPythonAgrees runs every column, Python's too, on text whose
// characters are not its bytes: Run fails unless the text columns agree
// with Python's str results and the byte columns with Python's mmap ones.
func TestRunPythonAgrees(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	path := writeTemp(t, []byte(strings.Repeat(nonASCII, 200)))
	rep, err := Run(context.Background(), Config{File: path, Runs: 1, Python: true, MinRep: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Python == "" {
		t.Fatal("no python version")
	}
	for _, r := range rep.Results {
		for c := range numColumns {
			if !r.Has(c) {
				t.Errorf("%s: %s not timed", r.Name, c)
			}
			if s := r.Cells[c]; s.Calls < 1 || s.Median <= 0 {
				t.Errorf("%s, %s: %d calls of %v", r.Name, c, s.Calls, s.Median)
			}
		}
	}
}

// TestSeedRegexIsPythons checks the text column's count against Python's
// own str regex on the same text.
func TestSeedRegexIsPythons(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	path := writeTemp(t, []byte(nonASCII))
	out, err := exec.Command(py, "-c", `import re,sys; print(len(re.findall(r"\b[a-zA-Z]{5}\b", open(sys.argv[1], encoding="utf-8").read())))`, path).Output()
	if err != nil {
		t.Fatal(err)
	}
	got, err := seedRegex(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(out)); want != itoa(got) {
		t.Errorf("seedRegex: %d, Python's str regex: %s", got, want)
	}
	if ascii := len(regexp.MustCompile(FiveLetterWords).FindAllString(nonASCII, -1)); ascii == got {
		t.Errorf("the text has no match that Unicode \\b drops (%d both ways): the test tests nothing", got)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func fakeReport(python bool) *Report {
	st := func(d time.Duration) Stats { return Stats{Median: d, Min: d, Max: d, N: 3, Calls: 10, Faults: 1} }
	res := Result{Name: "find"}
	res.Cells[SeedRegular] = st(9 * time.Millisecond)
	res.Cells[Regular] = st(10 * time.Microsecond)
	res.Cells[Mmap] = st(20 * time.Microsecond)
	res.Cells[Best] = st(8 * time.Microsecond)
	rep := &Report{File: "book.txt", Bytes: 2347956, Runs: 3, Cache: "warm", MinRep: MinRep, Results: []Result{res}}
	if python {
		rep.Python = "3.11.7"
		rep.Results[0].Cells[PythonRegular] = st(8 * time.Millisecond)
		rep.Results[0].Cells[PythonMmap] = st(22 * time.Microsecond)
		rep.Results[0].VsPython = [2]RatioStats{{1.1, 1.0, 1.3, 3}, {2.75, 2.5, 3, 3}}
	}
	return rep
}

// TestJSONContract checks the fields of the --json object, in the order
// DESIGN.md gives them.
func TestJSONContract(t *testing.T) {
	var b bytes.Buffer
	if err := fakeReport(true).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want := `{"file":"book.txt","bytes":2347956,"runs":3,"cache":"warm","results":[{"name":"find","seed_regular_ns":9000000,"regular_ns":10000,"mmap_ns":20000,"best_ns":8000,"python_regular_ns":8000000,"python_mmap_ns":22000,"speedup":0.5}]}` + "\n"
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
	b.Reset()
	if err := fakeReport(false).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "python") {
		t.Errorf("python fields without python: %s", b.String())
	}
}

// TestMissedTargetsExplained: a row under a target says so in the table and
// in its reason; the figures come from the report.
func TestMissedTargetsExplained(t *testing.T) {
	rep := fakeReport(true) // best 22/8 = 2.75x: met; mmap 22/20 = 1.1x: missed
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, "go run ./cmd/mmap bench --file book.txt --python --markdown"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		"`go run ./cmd/mmap bench --file book.txt --python --markdown`",
		"| find | 9.00 ms (9.00 ms–9.00 ms) [1] |",
		"missed: mmap 1.10x < 1.2x",
		"| 1.10x (1.00–1.30) | 2.75x (2.50–3.00) |",
		"Missed (mmap 1.10x < 1.2x)",
		"No forced GC",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("markdown lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "on this VM") {
		t.Errorf("a machine's figure printed as a fact:\n%s", out)
	}
}
