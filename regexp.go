package mmap

import (
	"bytes"
	"iter"
	"regexp"
	"regexp/syntax"
	"sync"
	"sync/atomic"
	"unicode"
)

// Regexp is the part of a regular-expression engine the map's regexp
// methods use. *regexp.Regexp satisfies it, and so does
// github.com/wasilibs/go-re2's *re2.Regexp. An engine must be safe for
// concurrent use, as both are: CountRegexp and CountLinesMatching may call
// it from several goroutines.
type Regexp interface {
	FindIndex(b []byte) []int
	FindAllIndex(b []byte, n int) [][]int
	Match(b []byte) bool
}

var _ Regexp = (*regexp.Regexp)(nil)

// regexpWindow is how much of the map one call of the engine sees when the
// map can be cut into pieces (see lineSafe): small enough to bound the
// memory FindAllIndex allocates, large enough that calls are long.
var regexpWindow = 1 << 20

// FindRegexp returns the location of the leftmost match of re in the map,
// as re.FindIndex(m.Bytes()) does: loc[0] and loc[1] are offsets in the
// map. It returns nil if there is no match. A fault while the engine reads
// the map is a *FaultError.
func (m *Map) FindRegexp(re Regexp) ([]int, error) {
	const op = "findregexp"
	if err := m.rlock(); err != nil {
		return nil, opError(op, err)
	}
	defer m.mu.RUnlock()
	var loc []int
	if err := m.guardCaller(op, 0, func() { loc = re.FindIndex(m.data) }, true); err != nil {
		return nil, err
	}
	return loc, nil
}

// Matches returns an iterator over the locations of the non-overlapping
// matches of re in the map, in order, exactly those of
// re.FindAllIndex(m.Bytes(), -1): each loc holds offsets in the map, so
// m.Bytes()[loc[0]:loc[1]] is the match, without a copy.
//
// For a *regexp.Regexp that cannot match across a line break (see
// CountRegexp) the map is searched a megabyte at a time, cut at newlines;
// for any other engine or pattern the engine's FindAllIndex runs over the
// whole map first, which takes memory in proportion to the number of
// matches.
//
// The iterator holds the Map open for the whole loop, like FindAll: the body
// must not call Close or Resize of the same Map. A fault while the engine
// reads the map ends the loop with (nil, err); one in the body panics with
// the *FaultError.
func (m *Map) Matches(re Regexp) iter.Seq2[[]int, error] {
	return func(yield func([]int, error) bool) {
		const op = "matches"
		if err := m.rlock(); err != nil {
			yield(nil, opError(op, err))
			return
		}
		defer m.mu.RUnlock()
		data := m.data
		inBody := false
		err := m.guardCaller(op, 0, func() {
			if !lineSafe(re) {
				for _, loc := range re.FindAllIndex(data, -1) {
					inBody = true
					if !yield(loc, nil) {
						return
					}
					inBody = false
				}
				return
			}
			for a := 0; a <= len(data); {
				b := windowEnd(data, a, regexpWindow)
				for _, loc := range re.FindAllIndex(data[a:b], -1) {
					loc[0] += a
					loc[1] += a
					inBody = true
					if !yield(loc, nil) {
						return
					}
					inBody = false
				}
				a = b + 1
			}
		}, true)
		if err != nil {
			if inBody {
				panic(err)
			}
			yield(nil, err)
		}
	}
}

// windowEnd returns the end of the piece of data that starts at a: the
// offset of the first '\n' at or after a+size, or len(data). The '\n'
// itself belongs to no piece; the next starts after it.
func windowEnd(data []byte, a, size int) int {
	if len(data)-a <= size {
		return len(data)
	}
	i := bytes.IndexByte(data[a+size:], '\n')
	if i < 0 {
		return len(data)
	}
	return a + size + i
}

// CountRegexp returns the number of non-overlapping matches of re in the
// map: exactly len(re.FindAllIndex(m.Bytes(), -1)), without building that
// slice when it can avoid it.
//
// Cutting the map into pieces at newlines, to count them on every core,
// gives that exact count only when no match can contain a '\n' and the
// pattern has no anchor to the whole text. CountRegexp checks that for a
// *regexp.Regexp by parsing re.String(), conservatively: the pattern must
// not be able to match '\n' anywhere (no '.' in (?s) mode, no negated class
// such as [^a] or \D that admits it, no \s, no literal newline), and must not
// use \A, \z, or ^ and $ outside (?m) mode; \b, \B, and ^ and $ in (?m)
// mode see the same at a newline as at the edge of a piece. Such patterns
// (most that grep-like tools use, such as \b\w{5}\b) are counted in
// parallel for maps of 64 KiB and more. Any other pattern, and any other
// engine, is counted by one call of re.FindAllIndex over the whole map.
func (m *Map) CountRegexp(re Regexp) (int, error) {
	const op = "countregexp"
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
	}
	defer m.mu.RUnlock()
	data := m.data
	if !lineSafe(re) {
		var n int
		err := m.guardCaller(op, 0, func() { n = len(re.FindAllIndex(data, -1)) }, true)
		return n, err
	}
	window := regexpWindow
	p := workers()
	if len(data) < regexpParallelThreshold || p == 1 {
		p = 1
	} else {
		window = min(window, max(len(data)/(4*p), 1))
	}
	var total atomic.Int64
	err := m.eachPiece(op, data, window, p, func(a, b int) {
		total.Add(int64(len(re.FindAllIndex(data[a:b], -1))))
	})
	return int(total.Load()), err
}

// eachPiece calls fn for every piece [a, b) of data, cut at newlines by
// windowEnd (the '\n' between two pieces belongs to neither), on p
// goroutines, each guarding its own calls. It returns the fault with the
// lowest offset, if any.
func (m *Map) eachPiece(op string, data []byte, window, p int, fn func(a, b int)) error {
	var mu sync.Mutex // guards cut and the fault
	cut := 0          // where the next piece starts; > len(data) when none is left
	var fault error
	faultAt := -1
	nextPiece := func() (a, b int, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		if cut > len(data) || fault != nil {
			return 0, 0, false
		}
		a = cut
		// Finding the '\n' touches the map: guard it on this goroutine.
		if err := m.guard(op, a, func() { b = windowEnd(data, a, window) }); err != nil {
			fault, faultAt = err, a
			return 0, 0, false
		}
		cut = b + 1
		return a, b, true
	}
	var wg sync.WaitGroup
	for range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a, b, ok := nextPiece()
				if !ok {
					return
				}
				if err := m.guardCaller(op, a, func() { fn(a, b) }, true); err != nil {
					mu.Lock()
					if faultAt < 0 || a < faultAt {
						fault, faultAt = err, a
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return fault
}

// CountLinesMatching returns the number of lines of the map (as Lines
// splits them: without "\n" or "\r\n") in which re finds a match, as
// `grep -c` counts them; each line is matched on its own with re.Match.
// Maps of 64 KiB and more are cut at newlines and counted on every core,
// which is exact for every engine and pattern.
func (m *Map) CountLinesMatching(re Regexp) (int, error) {
	const op = "countlines"
	if err := m.rlock(); err != nil {
		return 0, opError(op, err)
	}
	defer m.mu.RUnlock()
	data := m.data
	window, p := regexpWindow, workers()
	if len(data) < regexpParallelThreshold || p == 1 {
		p = 1
	} else {
		window = min(window, max(len(data)/(4*p), 1))
	}
	var total atomic.Int64
	err := m.eachPiece(op, data, window, p, func(a, b int) {
		n := 0
		// The '\n' after the piece ends its last line, which may be empty.
		end := b
		if b < len(data) {
			end = b + 1
		}
		piece := data[:end]
		for pos := a; pos < end; {
			line, next := nextLine(piece, pos)
			if re.Match(line) {
				n++
			}
			pos = next
		}
		total.Add(int64(n))
	})
	return int(total.Load()), err
}

// lineSafeCache remembers the verdict of lineSafe for each pattern seen.
var lineSafeCache sync.Map // string -> bool

// lineSafe reports whether re is a *regexp.Regexp whose matches over a text
// are exactly the matches over the pieces of the text cut at newlines (each
// '\n' dropped between two pieces). That holds when no match can contain
// '\n', no empty-width assertion tells a newline from the edge of the text
// (\A, \z, and ^ and $ without (?m) do; \b, \B, and (?m)^ and $ do not), so
// that the engine sees every piece as it sees that stretch of the whole
// text. The pattern is parsed both as regexp.Compile and as
// regexp.CompilePOSIX parse it, and must be safe in both, since the two
// cannot be told apart from the outside.
func lineSafe(re Regexp) bool {
	r, ok := re.(*regexp.Regexp)
	if !ok || r == nil {
		return false
	}
	expr := r.String()
	if v, ok := lineSafeCache.Load(expr); ok {
		return v.(bool)
	}
	// A pattern that one of the two does not parse was not compiled by it.
	safe, parsed := true, false
	for _, flags := range []syntax.Flags{syntax.Perl, syntax.POSIX} {
		t, err := syntax.Parse(expr, flags)
		if err != nil {
			continue
		}
		parsed = true
		if !treeLineSafe(t) {
			safe = false
		}
	}
	safe = safe && parsed
	lineSafeCache.Store(expr, safe)
	return safe
}

func treeLineSafe(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpAnyCharNotNL,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range t.Rune {
			if r == '\n' || t.Flags&syntax.FoldCase != 0 && foldsToNewline(r) {
				return false
			}
		}
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i] <= '\n' && '\n' <= t.Rune[i+1] {
				return false
			}
		}
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat,
		syntax.OpConcat, syntax.OpAlternate:
		for _, s := range t.Sub {
			if !treeLineSafe(s) {
				return false
			}
		}
		return true
	}
	// OpAnyChar, OpBeginText, OpEndText, and anything unknown.
	return false
}

func foldsToNewline(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == '\n' {
			return true
		}
	}
	return false
}
