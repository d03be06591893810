package grep

import "bytes"

// byteRank orders bytes from rare to common in ASCII text (lower is
// rarer), the heuristic ripgrep uses to choose which byte of a literal to
// look for: IndexByte then stops at fewer false candidates. The order
// follows English letter frequency; unlisted bytes (control bytes,
// most punctuation, digits, capitals) count as rare.
var byteRank = func() (r [256]byte) {
	for i := range r {
		r[i] = 1
	}
	const common = "zqxjkvbpygfwmucldrhsnioate " // rarest first
	for i := 0; i < len(common); i++ {
		r[common[i]] = byte(10 + i)
	}
	for _, b := range []byte("\n,.\t") {
		r[b] = 8
	}
	return r
}()

// rarestByte returns the index in lit of its rarest byte by byteRank.
func rarestByte(lit []byte) int {
	best := 0
	for i := 1; i < len(lit); i++ {
		if byteRank[lit[i]] < byteRank[lit[best]] {
			best = i
		}
	}
	return best
}

// indexLiteral is bytes.Index(hay, lit) that looks for lit's rarest byte,
// at offset rare in lit, with IndexByte, then compares the rest.
func indexLiteral(hay, lit []byte, rare int) int {
	if rare == 0 || len(lit) < 2 {
		return bytes.Index(hay, lit)
	}
	c := lit[rare]
	for p := rare; p < len(hay); {
		i := bytes.IndexByte(hay[p:], c)
		if i < 0 {
			return -1
		}
		s := p + i - rare // where lit would start
		if s+len(lit) > len(hay) {
			return -1
		}
		if bytes.Equal(hay[s:s+len(lit)], lit) {
			return s
		}
		p += i + 1
	}
	return -1
}

// indexFold is indexLiteral for a lower-case lit in any case (ASCII): it
// looks for both cases of the rarest byte, each with IndexByte.
func indexFold(hay, lit []byte, rare int) int {
	lo := lit[rare]
	up := lo
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	next := func(c byte, p int) int {
		if i := bytes.IndexByte(hay[p:], c); i >= 0 {
			return p + i
		}
		return len(hay)
	}
	nl, nu := -1, -1 // the next lo and up at or after p; len(hay): none
	for p := rare; p < len(hay); {
		if nl < p {
			nl = next(lo, p)
		}
		if nu < p {
			nu = next(up, p)
		}
		at := min(nl, nu)
		s := at - rare // where lit would start
		if at >= len(hay) || s+len(lit) > len(hay) {
			return -1
		}
		if bytes.EqualFold(hay[s:s+len(lit)], lit) {
			return s
		}
		p = at + 1
	}
	return -1
}

// indexLit returns the offset of the pattern's literal in hay, or -1.
func (c *compiled) indexLit(hay []byte) int {
	if c.litFold {
		return indexFold(hay, c.lit, c.litRare)
	}
	return indexLiteral(hay, c.lit, c.litRare)
}
