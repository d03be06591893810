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
		i := bytes.Index(buf[pos:], c.lit)
		if i < 0 {
			return -1, -1
		}
		return lineAt(buf, pos+i)
	case c.prefilter != nil:
		for pos < len(buf) {
			i := bytes.Index(buf[pos:], c.prefilter)
			if i < 0 {
				return -1, -1
			}
			ls, le := lineAt(buf, pos+i)
			if ls < pos {
				ls = pos
			}
			if c.re.Match(buf[ls:le]) {
				return ls, le
			}
			pos = le + 1
		}
		return -1, -1
	}
	loc := c.re.FindIndex(buf[pos:])
	if loc == nil {
		return -1, -1
	}
	p := pos + loc[0]
	if p == len(buf) && buf[p-1] == '\n' {
		return -1, -1 // an empty match after the last line's '\n': no line
	}
	return lineAt(buf, p)
}

// lineMatches reports whether line (without its '\n') has a match.
func (c *compiled) lineMatches(line []byte) bool {
	switch {
	case c.all:
		return true
	case c.lit != nil:
		return bytes.Contains(line, c.lit)
	}
	if c.prefilter != nil && !bytes.Contains(line, c.prefilter) {
		return false
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
			i := bytes.Index(line[p:], c.lit)
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
