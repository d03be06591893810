package bench

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// colors gives each column the same colour in every chart.
var colors = [numColumns]color.Color{
	color.RGBA{0x99, 0x99, 0x99, 0xff}, // seed_regular
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, // regular
	color.RGBA{0xd6, 0x27, 0x28, 0xff}, // mmap
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, // best
	color.RGBA{0xbc, 0xbd, 0x22, 0xff}, // python_regular
	color.RGBA{0xff, 0x7f, 0x0e, 0xff}, // python_mmap
}

// WriteChart draws a grouped bar chart of the report to path, SVG or PNG
// by its extension: one group per comparison, one bar per column, time on a
// log scale.
func (r *Report) WriteChart(path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("mmap bench: %s, %s bytes (median of %d, %s cache)", filepath.Base(r.File), thousands(r.Bytes), r.Runs, r.Cache)
	p.Y.Label.Text = "time per operation (log scale)"
	p.Legend.Top = true
	// gonum's bar charts start at zero, which a log scale cannot show, so
	// the bars are drawn in log10 units above a floor and the ticks say
	// what they stand for.
	lo, hi := math.Inf(1), math.Inf(-1)
	var cols []Column
	for c := range numColumns {
		for _, res := range r.Results {
			if res.Has(c) {
				lo = min(lo, math.Log10(float64(res.Cells[c].Median)))
				hi = max(hi, math.Log10(float64(res.Cells[c].Median)))
			}
		}
		if len(r.Results) > 0 && r.Results[0].Has(c) {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return fmt.Errorf("nothing to chart")
	}
	floor := math.Floor(lo)
	p.Add(plotter.NewGrid())
	width := vg.Points(60 / float64(len(cols)))
	var names []string
	for _, res := range r.Results {
		names = append(names, res.Name)
	}
	for i, c := range cols {
		vals := make(plotter.Values, len(r.Results))
		for j, res := range r.Results {
			if res.Has(c) {
				vals[j] = math.Log10(float64(res.Cells[c].Median)) - floor + 0.05
			}
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return err
		}
		bars.Color = colors[c]
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(cols)-1)/2)
		p.Add(bars)
		p.Legend.Add(c.String(), bars)
	}
	p.NominalX(names...)
	p.Y.Min = 0
	p.Y.Max = math.Ceil(hi) - floor + 0.3
	p.Y.Tick.Marker = logTicks{floor: floor}
	return save(path, 9*vg.Inch, 5*vg.Inch, [][]*plot.Plot{{p}})
}

// logTicks labels the log10 units of WriteChart's bars.
type logTicks struct{ floor float64 }

func (t logTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for k := math.Floor(min); k <= max; k++ {
		ticks = append(ticks, plot.Tick{Value: k, Label: powerLabel(int(t.floor + k))})
		for m := 2.0; m < 10; m++ {
			if v := k + math.Log10(m); v <= max {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// powerLabel names the duration 10^e nanoseconds: "100 µs", "1 s".
func powerLabel(e int) string {
	units := []string{"ns", "µs", "ms", "s"}
	u := min(e/3, len(units)-1)
	return fmt.Sprintf("%.0f %s", math.Pow(10, float64(e-3*u)), units[u])
}

// WriteSizesChart draws how each comparison's cost grows with the file
// size: one panel per comparison, log-log, one line per column.
func WriteSizesChart(path string, reports []*Report) error {
	if len(reports) == 0 {
		return fmt.Errorf("nothing to chart")
	}
	var names []string
	for _, res := range reports[0].Results {
		names = append(names, res.Name)
	}
	const cols = 3
	rows := (len(names) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, name := range names {
		p := plot.New()
		p.Title.Text = name
		p.X.Label.Text = "file size (bytes)"
		p.Y.Label.Text = "median time (s)"
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
		p.Legend.Top, p.Legend.Left = true, true
		p.Add(plotter.NewGrid())
		for c := range numColumns {
			var xys plotter.XYs
			for _, rep := range reports {
				for _, res := range rep.Results {
					if res.Name == name && res.Has(c) {
						xys = append(xys, plotter.XY{X: float64(rep.Bytes), Y: res.Cells[c].Median.Seconds()})
					}
				}
			}
			if len(xys) == 0 {
				continue
			}
			line, points, err := plotter.NewLinePoints(xys)
			if err != nil {
				return err
			}
			line.Color, points.Color = colors[c], colors[c]
			p.Add(line, points)
			p.Legend.Add(c.String(), line, points)
		}
		plots[i/cols][i%cols] = p
	}
	return save(path, 14*vg.Inch, vg.Length(rows)*4.5*vg.Inch, plots)
}

// save draws the plots, tiled, to an SVG or PNG file chosen by extension.
func save(path string, w, h vg.Length, plots [][]*plot.Plot) error {
	var dc vg.CanvasWriterTo
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg":
		dc = vgsvg.New(w, h)
	case ".png":
		dc = vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	default:
		return fmt.Errorf("chart %s: want a .svg or .png file name", path)
	}
	c := draw.New(dc)
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, c)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := dc.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
