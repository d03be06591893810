package grep

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// search is the search of one file.
type search struct {
	o        *Options
	c        *compiled
	in       *input
	name     string
	withName bool
	ctx      context.Context

	taken atomic.Int64 // lines selected so far, for -m (one worker)
}

type fileResult struct {
	selected, matches int64
	binaryMatched     bool // a line was selected where grep prints "binary file matches"
}

// chunkResult is what the search of one chunk found.
type chunkResult struct {
	selected, matches int64
	out               []byte
	binary            bool // the chunk has a NUL byte
	err               error
}

// printing reports whether selected lines (or -o matches) are printed.
func (o *Options) printing() bool {
	return !(o.Count || o.CountMatches || o.FilesWith || o.FilesWithout || o.Quiet)
}

// firstOnly reports whether the first selected line settles the file.
func (o *Options) firstOnly() bool {
	return o.FilesWith || o.FilesWithout || o.Quiet
}

// run searches the file, writes what its lines print to out, and returns
// the counts.
func (s *search) run(out *bufio.Writer) (fileResult, error) {
	o, c := s.o, s.c
	var res fileResult
	n := s.in.len()
	if n == 0 || o.MaxCount == 0 {
		return res, nil
	}
	if o.CountMatches && c.lit != nil && !c.litFold && !o.Invert && o.MaxCount < 0 {
		// The library's parallel Count: a literal never spans a line, so
		// its count over the file is the sum over the lines.
		k, err := s.countLiteral()
		res.matches = int64(k)
		res.selected = int64(min(k, 1)) // enough for the exit status
		return res, err
	}
	size := chunkSize
	nch := (n + size - 1) / size
	workers := min(o.Workers, nch)
	if o.MaxCount > 0 {
		workers = 1 // the limit needs the lines in order
	}
	var bases []int64
	if o.LineNumber && o.printing() {
		var err error
		if bases, err = s.lineBases(nch, size, workers); err != nil {
			return res, err
		}
	}
	results := make([]chunkResult, nch)
	done := make([]chan struct{}, nch)
	for k := range done {
		done[k] = make(chan struct{})
	}
	tokens := make(chan struct{}, 2*workers) // bounds how far workers run ahead of the writer
	stop := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case tokens <- struct{}{}:
				case <-stop:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= nch {
					return
				}
				var base int64
				if bases != nil {
					base = bases[k]
				}
				r := &results[k]
				r.err = s.in.guard(func(buf []byte) error {
					a, b := chunkBounds(buf, k, size)
					s.chunk(buf[a:b], base, r)
					return nil
				})
				close(done[k])
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	binaryMode := false
	for k := range nch {
		select {
		case <-done[k]:
		case <-s.ctx.Done():
			return res, s.ctx.Err()
		}
		<-tokens
		r := &results[k]
		if r.err != nil {
			return res, r.err
		}
		res.selected += r.selected
		res.matches += r.matches
		if o.printing() {
			if r.binary || binaryMode {
				binaryMode = true
				if r.selected > 0 {
					res.binaryMatched = true
					return res, nil
				}
				continue
			}
			if _, err := out.Write(r.out); err != nil {
				return res, fmt.Errorf("%w: %w", errOutput, err)
			}
			r.out = nil
		}
		if o.firstOnly() && res.selected > 0 || o.MaxCount > 0 && res.selected >= o.MaxCount {
			return res, nil
		}
	}
	return res, nil
}

// countLiteral counts the literal in the whole input.
func (s *search) countLiteral() (int, error) {
	if s.in.m != nil {
		return s.in.m.Count(s.c.lit)
	}
	return bytes.Count(s.in.data, s.c.lit), nil
}

// chunkBounds returns chunk k of buf: from the line start at or after
// k*size to the one at or after (k+1)*size, the '\n' included.
//
// A chunk whose stretch [k*size-1, (k+1)*size-1) holds no '\n' has no line
// start of its own and is empty: the line that runs through it belongs to
// the chunk where it starts. Saying so before looking for the next '\n'
// keeps a file with long lines linear: otherwise every chunk of a 2 GB line
// would scan to its end (quadratic: TestChunksLongLineLinear).
func chunkBounds(buf []byte, k, size int) (a, b int) {
	x, y := k*size, (k+1)*size
	if x > 0 && y < len(buf) && bytes.IndexByte(buf[x-1:y-1], '\n') < 0 {
		return y, y
	}
	return lineStartAfter(buf, x), lineStartAfter(buf, y)
}

// lineStartAfter returns the offset after the first '\n' at or after x-1
// (0 for x = 0): chunk boundaries fall on line starts, and two chunks that
// compute their common boundary agree on it.
func lineStartAfter(buf []byte, x int) int {
	if x <= 0 {
		return 0
	}
	if x >= len(buf) {
		return len(buf)
	}
	return min(lineEnd(buf, x-1)+1, len(buf)) // the last line may have no '\n'
}

// lineBases returns, for each chunk, the number of lines before it.
func (s *search) lineBases(nch, size, workers int) ([]int64, error) {
	counts := make([]int64, nch)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = s.in.guard(func(buf []byte) error {
				for k := int(next.Add(1) - 1); k < nch; k = int(next.Add(1) - 1) {
					a, b := chunkBounds(buf, k, size)
					counts[k] = int64(bytes.Count(buf[a:b], []byte{'\n'}))
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var sum int64
	for k, n := range counts {
		counts[k] = sum
		sum += n
	}
	return counts, nil
}

// chunk searches data, whole lines whose first is line number base+1.
func (s *search) chunk(data []byte, base int64, r *chunkResult) {
	if len(data) == 0 || s.o.MaxCount > 0 && s.taken.Load() >= s.o.MaxCount {
		return
	}
	if s.o.Count && s.c.lit != nil && !s.o.Invert && s.o.MaxCount < 0 {
		s.countLiteralLines(data, r)
		return
	}
	if bytes.IndexByte(data, 0) >= 0 {
		r.binary = true
		s.binaryChunk(data, r)
		return
	}
	o, c := s.o, s.c
	find := &lineFinder{c: c, data: data}
	if o.CountMatches && !o.Invert && o.MaxCount < 0 {
		// Every match lies on a selected line: no line logic.
		r.matches = c.countMatches(data)
		r.selected = min(r.matches, 1)
		if r.selected == 0 {
			if ls, _ := find.next(0); ls >= 0 {
				r.selected = 1 // matches, all empty: the exit status is 0
			}
		}
		return
	}
	p := &printer{s: s, data: data, line: base + 1}
	printing := o.printing()
	if printing {
		r.out = make([]byte, 0, 4096)
	}
	sel := func(ls, le int) bool {
		r.selected++
		if o.CountMatches {
			if o.Invert {
				r.matches++
			} else {
				c.eachMatch(data[ls:le], func(_, _ int) bool { r.matches++; return true })
			}
		}
		if printing {
			r.out = p.print(r.out, ls, le)
		}
		if o.MaxCount > 0 && s.taken.Add(1) >= o.MaxCount || o.firstOnly() {
			return false
		}
		return true
	}
	countOnly := !printing && !o.CountMatches && o.MaxCount < 0 && !o.firstOnly()
	for pos := 0; pos < len(data); {
		ls, le := find.next(pos)
		if !o.Invert {
			if ls < 0 || !sel(ls, le) {
				return
			}
			pos = le + 1
			continue
		}
		end := ls
		if ls < 0 {
			end = len(data)
		}
		if countOnly {
			r.selected += int64(countLines(data[pos:end]))
		} else {
			for q := pos; q < end; {
				qe := lineEnd(data, q)
				if !sel(q, qe) {
					return
				}
				q = qe + 1
			}
		}
		if ls < 0 {
			return
		}
		pos = le + 1
	}
}

// countLiteralLines counts the lines that hold the literal, for -c. It
// looks for NUL bytes only in those lines: a NUL ends a line in a binary
// file, and only a line that holds the literal can have a piece that does,
// so the count is grep's without a second pass over the chunk.
func (s *search) countLiteralLines(data []byte, r *chunkResult) {
	for pos := 0; pos < len(data); {
		i := s.c.indexLit(data[pos:])
		if i < 0 {
			return
		}
		le := lineEnd(data, pos+i)
		// Forward, from cache: the bytes since pos were just searched.
		if bytes.IndexByte(data[pos:le], 0) < 0 {
			r.selected++
		} else {
			r.binary = true
			ls := bytes.LastIndexByte(data[:pos+i], '\n') + 1
			for _, seg := range bytes.Split(data[ls:le], []byte{0}) {
				if s.c.indexLit(seg) >= 0 {
					r.selected++
				}
			}
		}
		pos = le + 1
	}
}

// countLines returns the number of lines in data, which ends at a line end.
func countLines(data []byte) int {
	n := bytes.Count(data, []byte{'\n'})
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// binaryChunk searches a chunk with NUL bytes as GNU grep does: a NUL ends
// a line, and nothing is printed (a selected line prints "binary file
// matches" instead).
func (s *search) binaryChunk(data []byte, r *chunkResult) {
	o, c := s.o, s.c
	for pos := 0; pos < len(data); {
		e := bytes.IndexAny(data[pos:], "\n\x00")
		if e < 0 {
			e = len(data)
		} else {
			e += pos
		}
		seg := data[pos:e]
		pos = e + 1
		if c.lineMatches(seg) == o.Invert {
			continue
		}
		r.selected++
		if o.CountMatches {
			if o.Invert {
				r.matches++
			} else {
				c.eachMatch(seg, func(_, _ int) bool { r.matches++; return true })
			}
		}
		if o.printing() || o.firstOnly() || o.MaxCount > 0 && s.taken.Add(1) >= o.MaxCount {
			return
		}
	}
}

// printer formats selected lines as grep prints them.
type printer struct {
	s       *search
	data    []byte
	line    int64 // the number of the line that starts at counted
	counted int
}

// print appends to out the line data[ls:le] (or its matches, with -o).
func (p *printer) print(out []byte, ls, le int) []byte {
	o := p.s.o
	if o.LineNumber {
		p.line += int64(bytes.Count(p.data[p.counted:ls], []byte{'\n'}))
		p.counted = ls
	}
	line := p.data[ls:le]
	if !o.Only {
		out = p.prefix(out)
		out = append(out, line...)
		return append(out, '\n')
	}
	if o.Invert {
		return out // grep -o -v prints nothing
	}
	p.s.c.eachMatch(line, func(s, e int) bool {
		out = p.prefix(out)
		out = append(out, line[s:e]...)
		out = append(out, '\n')
		return true
	})
	return out
}

func (p *printer) prefix(out []byte) []byte {
	if p.s.withName {
		out = append(out, p.s.name...)
		out = append(out, ':')
	}
	if p.s.o.LineNumber {
		out = strconv.AppendInt(out, p.line, 10)
		out = append(out, ':')
	}
	return out
}
