package scan

import "bytes"

// NextLine is the one line splitter: it returns the line starting at
// pos < len(data), without its "\n" and without a '\r' before it (or at the
// very end), as bufio.ScanLines splits lines, and the offset of the next
// line. The line's capacity is its length, so appending to it copies
// instead of writing over data.
func NextLine(data []byte, pos int) (line []byte, next int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		line, next = data[pos:], len(data)
	} else {
		line, next = data[pos:pos+i], pos+i+1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line[:len(line):len(line)], next
}

// piece returns piece k of data cut at newlines for windows of w bytes:
// block k is [k*w, (k+1)*w); the first '\n' in each block (but block 0)
// is a cut, and piece k runs from just after block k's cut (from 0 for
// block 0) to the next cut, or to the end of data. A block without a '\n'
// has no piece (ok is false): the piece before runs through it. The '\n'
// at a cut belongs to no piece. Every other byte, and the empty piece after
// a cut at the very end, belongs to exactly one piece.
func piece(data []byte, w, k int) (a, b int, ok bool) {
	if k > 0 {
		bs := k * w
		c := bytes.IndexByte(data[bs:min(bs+w, len(data))], '\n')
		if c < 0 {
			return 0, 0, false
		}
		a = bs + c + 1
	}
	b = len(data)
	if ns := (k + 1) * w; ns < len(data) {
		if c := bytes.IndexByte(data[ns:], '\n'); c >= 0 {
			b = ns + c
		}
	}
	return a, b, true
}

// pieceCount is the number of blocks piece cuts data into.
func pieceCount(data []byte, w int) int { return max((len(data)+w-1)/w, 1) }

// EachPiece calls fn for every piece of data cut at newlines into windows
// of about w bytes (see piece), in order, until fn returns false.
func EachPiece(data []byte, w int, fn func(a, b int) bool) {
	for k := range pieceCount(data, w) {
		if a, b, ok := piece(data, w, k); ok && !fn(a, b) {
			return
		}
	}
}

// Pieces calls fn for every piece of data cut at newlines, as EachPiece
// cuts it, on every core when data is t.RegexpParallel bytes or more; each
// call runs under g, which also guards finding the cuts. It returns the
// fault nearest the start of data, if any.
func Pieces(t *Tuning, g Guard, data []byte, fn func(a, b int)) error {
	w, p := t.Window, t.workers()
	if len(data) < t.RegexpParallel || p == 1 {
		p = 1
	} else {
		w = min(w, max(len(data)/(4*p), 1))
	}
	nb := pieceCount(data, w)
	errs := make([]error, nb)
	each(p, nb, func(k int) {
		errs[k] = g.run(k*w, func() {
			if a, b, ok := piece(data, w, k); ok {
				fn(a, b)
			}
		})
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
