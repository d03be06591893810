package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// jsonReport is the contract's --json object, field for field.
type jsonReport struct {
	File    string       `json:"file"`
	Bytes   int64        `json:"bytes"`
	Runs    int          `json:"runs"`
	Cache   string       `json:"cache"`
	Results []jsonResult `json:"results"`
}

type jsonResult struct {
	Name            string  `json:"name"`
	SeedRegularNs   int64   `json:"seed_regular_ns"`
	RegularNs       int64   `json:"regular_ns"`
	MmapNs          int64   `json:"mmap_ns"`
	BestNs          int64   `json:"best_ns"`
	PythonRegularNs *int64  `json:"python_regular_ns,omitempty"`
	PythonMmapNs    *int64  `json:"python_mmap_ns,omitempty"`
	Speedup         float64 `json:"speedup"`
}

// WriteJSON writes the report as the one JSON object of the CLI's contract.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{File: r.File, Bytes: r.Bytes, Runs: r.Runs, Cache: r.Cache, Results: []jsonResult{}}
	for _, res := range r.Results {
		j := jsonResult{
			Name:          res.Name,
			SeedRegularNs: int64(res.Cells[SeedRegular].Median),
			RegularNs:     int64(res.Cells[Regular].Median),
			MmapNs:        int64(res.Cells[Mmap].Median),
			BestNs:        int64(res.Cells[Best].Median),
			Speedup:       math.Round(res.Speedup()*1000) / 1000,
		}
		if res.Has(PythonRegular) {
			v := int64(res.Cells[PythonRegular].Median)
			j.PythonRegularNs = &v
		}
		if res.Has(PythonMmap) {
			v := int64(res.Cells[PythonMmap].Median)
			j.PythonMmapNs = &v
		}
		out.Results = append(out.Results, j)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

// The targets on the seed's book, as ratios to Python's mmap (its time over
// ours): the best column at least BestTarget, the mmap column at least
// MmapTarget.
const (
	BestTarget = 2.0
	MmapTarget = 1.2
)

// missed returns the targets the row missed, as "best 1.6x < 2x", judged
// on the round-by-round ratios' medians; none without the Python columns.
func (res Result) missed() []string {
	if !res.Has(PythonMmap) {
		return nil
	}
	var out []string
	if r := res.VsPython[1].Median; r < BestTarget {
		out = append(out, fmt.Sprintf("best %.2fx < %gx", r, BestTarget))
	}
	if r := res.VsPython[0].Median; r < MmapTarget {
		out = append(out, fmt.Sprintf("mmap %.2fx < %gx", r, MmapTarget))
	}
	return out
}

func (r RatioStats) String() string {
	return fmt.Sprintf("%.2fx (%.2f–%.2f)", r.Median, r.Min, r.Max)
}

// columns returns the report's columns, and the ratio headings.
func (r *Report) columns() ([]Column, []string) {
	cols := goColumns
	heads := []string{"regular/mmap"}
	if r.Python != "" {
		cols = []Column{SeedRegular, Regular, Mmap, Best, PythonRegular, PythonMmap}
		heads = append(heads, "python_mmap/mmap", "python_mmap/best", "targets")
	}
	return cols, heads
}

// rows returns the table's cells as text, a heading row first.
func (r *Report) rows() [][]string {
	cols, heads := r.columns()
	head := []string{"comparison"}
	for _, c := range cols {
		head = append(head, c.String())
	}
	out := [][]string{append(head, heads...)}
	for _, res := range r.Results {
		row := []string{res.Name}
		for _, c := range cols {
			row = append(row, cellText(res.Cells[c]))
		}
		row = append(row, fmt.Sprintf("%.2fx", res.Speedup()))
		if r.Python != "" {
			row = append(row, res.VsPython[0].String(), res.VsPython[1].String())
			if m := res.missed(); len(m) > 0 {
				row = append(row, "missed: "+strings.Join(m, ", "))
			} else {
				row = append(row, "met")
			}
		}
		out = append(out, row)
	}
	return out
}

// WriteTable writes the report as a table for people: a median (min–max)
// per cell with its page faults per call, the ratios, and why each row
// comes out as it does.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "mmap bench: %s, %s bytes, page cache %s", r.File, thousands(r.Bytes), r.Cache)
	if r.Cache == "cold" {
		fmt.Fprint(w, " (evicted from the page cache before every call)")
	}
	if r.Python != "" {
		fmt.Fprintf(w, ", python3 %s", r.Python)
	}
	fmt.Fprintf(w, "\n%s\n\n", wrap(r.Protocol(), 100))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range r.rows() {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, line := range r.legend() {
		fmt.Fprintln(w, wrap(line, 100))
	}
	fmt.Fprintln(w, "\nWhy:")
	for _, res := range r.Results {
		fmt.Fprintln(w, wrap(fmt.Sprintf("  %s: %s", res.Name, r.why(res)), 100))
	}
	return nil
}

// WriteMarkdown writes the report as the README's block: the command that
// made it, the protocol, the table and the reasons.
func (r *Report) WriteMarkdown(w io.Writer, command string) error {
	fmt.Fprintf(w, "`%s`\n\n", command)
	if h := r.headline(); h != "" {
		fmt.Fprintf(w, "%s\n\n", h)
	}
	fmt.Fprintf(w, "%s, %s bytes, page cache %s", filepath.Base(r.File), thousands(r.Bytes), r.Cache)
	if r.Python != "" {
		fmt.Fprintf(w, ", python3 %s", r.Python)
	}
	fmt.Fprintf(w, ". %s\n\n", r.Protocol())
	for i, row := range r.rows() {
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		if i == 0 {
			fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(row)))
		}
	}
	fmt.Fprintln(w)
	for _, line := range r.legend() {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	for _, res := range r.Results {
		fmt.Fprintf(w, "- **%s**: %s\n", res.Name, r.why(res))
	}
	return nil
}

// legend explains the columns.
func (r *Report) legend() []string {
	l := []string{
		"seed_regular: Go doing what the seed's regular functions do, text decoding included; " +
			"regular: careful Go (reused buffers, reads in chunks that stop at the first hit, pread/pwrite+fsync); " +
			"mmap: the seed's mmap way through this library; best: the library's recommended call for the job.",
		"regular/mmap > 1 means mmap is faster; [n] is page faults per call (minor + major).",
	}
	if r.Python != "" {
		l = append(l, fmt.Sprintf("python_regular, python_mmap: the seed's own functions, run by python3 %s. "+
			"python_mmap/mmap and python_mmap/best are taken round by round, median (min–max); "+
			"regular/mmap is the medians' ratio, the JSON's speedup. "+
			"Targets: python_mmap/best >= %gx and python_mmap/mmap >= %gx.", r.Python, BestTarget, MmapTarget))
	}
	return l
}

// wrap breaks s into lines of at most width characters at spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteString("\n   ")
				n = 3
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func cellText(s Stats) string {
	if s.N == 0 {
		return "-"
	}
	f := ""
	if s.Faults >= 0 {
		f = fmt.Sprintf(" [%s]", faultsText(s.Faults))
	}
	return fmt.Sprintf("%s (%s–%s)%s", dur(s.Median), dur(s.Min), dur(s.Max), f)
}

func faultsText(f float64) string {
	switch {
	case f >= 10 || f == math.Trunc(f):
		return fmt.Sprintf("%.0f", f)
	default:
		return fmt.Sprintf("%.1f", f)
	}
}

// dur formats a duration with three significant digits and a unit.
func dur(d time.Duration) string {
	switch ns := float64(d); {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	case ns < 1e9:
		return sig3(ns/1e6) + " ms"
	default:
		return sig3(ns/1e9) + " s"
	}
}

func sig3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteSizesJSON writes the reports of a size sweep as one JSON object,
// {"sizes": [report, ...]}, each report as WriteJSON writes it.
func WriteSizesJSON(w io.Writer, reports []*Report) error {
	var parts []string
	for _, r := range reports {
		var b strings.Builder
		if err := r.WriteJSON(&b); err != nil {
			return err
		}
		parts = append(parts, strings.TrimSpace(b.String()))
	}
	_, err := fmt.Fprintf(w, "{\"sizes\":[%s]}\n", strings.Join(parts, ","))
	return err
}

// Size formats a byte count in binary units: 1 MiB, 1 GiB.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
