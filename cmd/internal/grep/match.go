package grep

import "bytes"

// lineAt returns the line of buf that holds offset p: [ls, le), le at its
// '\n' or at the end of buf.
func lineAt(buf []byte, p int) (ls, le int) {
	ls = bytes.LastIndexByte(buf[:p], '\n') + 1
	le = bytes.IndexByte(buf[p:], '\n')
	if le < 0 {
		return ls, len(buf)
	}
	return ls, p + le
}

// lineEnd returns the offset of the '\n' that ends the line holding p, or
// len(buf).
func lineEnd(buf []byte, p int) int {
	i := bytes.IndexByte(buf[p:], '\n')
	if i < 0 {
		return len(buf)
	}
	return p + i
}

// nextLine returns the first line at or after the line start pos that
// has a match, or ls < 0.
func (c *compiled) nextLine(buf []byte, pos int) (ls, le int) {
	if pos >= len(buf) {
		return -1, -1
	}
	switch {
	case c.all:
		return pos, lineEnd(buf, pos)
	case c.lit != nil:
		i := c.indexLit(buf[pos:])
		if i < 0 {
			return -1, -1
		}
		return lineAt(buf, pos+i)
	}
	return c.bulkNextLine(buf, pos)
}

// bulkNextLine is nextLine with the prefilter or the bulk engine.
func (c *compiled) bulkNextLine(buf []byte, pos int) (ls, le int) {
	f := &lineFinder{c: c, data: buf, scanned: pos}
	return f.next(pos)
}

// lineMatches reports whether line (without its '\n') has a match.
func (c *compiled) lineMatches(line []byte) bool {
	switch {
	case c.all:
		return true
	case c.lit != nil:
		return c.indexLit(line) >= 0
	}
	return c.re.Match(line)
}

// eachMatch calls fn with the bounds of every non-empty match in line that
// grep -o prints, left to right, until fn returns false.
func (c *compiled) eachMatch(line []byte, fn func(s, e int) bool) {
	switch {
	case c.all:
		return
	case c.lit != nil:
		for p := 0; ; {
			i := c.indexLit(line[p:])
			if i < 0 {
				return
			}
			p += i
			if !fn(p, p+len(c.lit)) {
				return
			}
			p += len(c.lit)
		}
	case c.word:
		c.eachWordMatch(line, fn)
		return
	}
	for _, loc := range c.re.FindAllIndex(line, -1) {
		if loc[1] > loc[0] && !fn(loc[0], loc[1]) {
			return
		}
	}
}

// eachWordMatch is eachMatch for -w: each search starts where the last
// match ended, with the character before it as its left context.
func (c *compiled) eachWordMatch(line []byte, fn func(s, e int) bool) {
	for from := 0; from <= len(line); {
		var loc []int
		base := from
		switch {
		case from == 0:
			if loc = c.wordStart.FindSubmatchIndex(line); loc == nil {
				loc = c.wordMid.FindSubmatchIndex(line)
			}
		case isWordChar(line[from-1]):
			loc = c.wordMid.FindSubmatchIndex(line[from:])
		default:
			base = from - 1
			loc = c.wordMid.FindSubmatchIndex(line[base:])
		}
		if loc == nil {
			return
		}
		s, e := base+loc[2], base+loc[3]
		if e > s {
			if !fn(s, e) {
				return
			}
			from = e
		} else {
			from = e + 1
		}
	}
}

func isWordChar(b byte) bool {
	u := b &^ 0x20 // upper case for a letter
	return b == '_' || '0' <= b && b <= '9' || 'A' <= u && u <= 'Z'
}

// bulkWindow is how many bytes of lines one call of the bulk engine scans:
// BenchmarkEngines found 64 KiB windows faster than 1 MiB ones.
const bulkWindow = 64 << 10

// A lineFinder finds the lines of data with a match, in order: with the
// bulk engine, a window of lines at a time; otherwise with nextLine.
type lineFinder struct {
	c       *compiled
	data    []byte
	starts  []int // the starts of lines with a match, found and not yet returned
	scanned int   // where the bulk engine has scanned to: a line start
	lits    []int // for each prefilter literal, its next offset at or after the last pos (-1: none left)
}

// next returns the first line at or after the line start pos with a
// match, or ls < 0.
func (f *lineFinder) next(pos int) (ls, le int) {
	if f.c.re == nil {
		return f.c.nextLine(f.data, pos)
	}
	if f.c.prefilter != nil {
		return f.nextCandidateLine(pos)
	}
	for {
		for len(f.starts) > 0 {
			ls := f.starts[0]
			f.starts = f.starts[1:]
			if ls >= pos {
				return ls, lineEnd(f.data, ls)
			}
		}
		if f.scanned >= len(f.data) {
			return -1, -1
		}
		a := max(f.scanned, pos)
		b := lineStartAfter(f.data, a+bulkWindow)
		f.scanned = b
		w := f.data[a:b]
		last := -1 // the end of the last line with a match
		for _, loc := range f.c.bulk.FindAllIndex(w, -1) {
			p := loc[0]
			if p <= last || p == len(w) && w[p-1] == '\n' {
				continue // the same line, or none after the window's last '\n'
			}
			ls, le := lineAt(w, p)
			f.starts = append(f.starts, a+ls)
			last = le
		}
	}
}

// nextCandidateLine finds the lines that hold a prefilter literal, and
// returns the first at or after pos that the engine matches. Each literal
// is searched for once per text, not once per line.
func (f *lineFinder) nextCandidateLine(pos int) (ls, le int) {
	c, data := f.c, f.data
	if f.lits == nil {
		f.lits = make([]int, len(c.prefilter))
		for k := range f.lits {
			f.lits[k] = -2 // not searched yet
		}
	}
	for pos < len(data) {
		first := -1
		for k, at := range f.lits {
			if at == -1 {
				continue
			}
			if at < pos {
				var i int
				if l := c.prefilter[k]; l.fold {
					i = indexFold(data[pos:], l.b, c.preRare[k])
				} else {
					i = indexLiteral(data[pos:], l.b, c.preRare[k])
				}
				if i < 0 {
					f.lits[k] = -1
					continue
				}
				at = pos + i
				f.lits[k] = at
			}
			if first < 0 || at < first {
				first = at
			}
		}
		if first < 0 {
			return -1, -1
		}
		ls, le := lineAt(data, first)
		ls = max(ls, pos)
		if c.re.Match(data[ls:le]) {
			return ls, le
		}
		pos = le + 1
	}
	return -1, -1
}

// countMatches returns the number of non-empty matches in data, whole
// lines, as eachMatch finds them line by line.
func (c *compiled) countMatches(data []byte) int64 {
	var n int64
	if c.bulk != nil && !c.word {
		for a := 0; a < len(data); {
			b := lineStartAfter(data, a+bulkWindow)
			for _, loc := range c.bulk.FindAllIndex(data[a:b], -1) {
				if loc[1] > loc[0] {
					n++
				}
			}
			a = b
		}
		return n
	}
	for pos := 0; pos < len(data); {
		le := lineEnd(data, pos)
		c.eachMatch(data[pos:le], func(_, _ int) bool { n++; return true })
		pos = le + 1
	}
	return n
}
