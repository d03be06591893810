package scan

import (
	"regexp"
	"regexp/syntax"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Regexp is the part of a regular-expression engine the scans use; package
// mmap documents it.
type Regexp interface {
	FindIndex(b []byte) []int
	FindAllIndex(b []byte, n int) [][]int
	Match(b []byte) bool
}

// AllIndex calls fn with the location of every match of re in data, in
// order, until fn returns false: with Cut (Windowed) or Resumable (one
// FindIndex per match) when they hold for re, holding one match at a time,
// and otherwise from one call of re.FindAllIndex(data, -1), which holds
// them all. The matches are exactly those of re.FindAllIndex(data, -1).
func AllIndex(t *Tuning, re Regexp, data []byte, fn func(loc []int) bool) {
	switch verdict(re) {
	case cuttable:
		EachPiece(data, t.Window, func(a, b int) bool {
			for _, loc := range re.FindAllIndex(data[a:b], -1) {
				loc[0] += a
				loc[1] += a
				if !fn(loc) {
					return false
				}
			}
			return true
		})
	case resumable:
		resume(re, data, fn)
	default:
		for _, loc := range re.FindAllIndex(data, -1) {
			if !fn(loc) {
				return
			}
		}
	}
}

// resume is regexp's own loop for FindAllIndex (allMatches), written over
// FindIndex of the rest of data: right for patterns without an assertion
// that looks behind (see Resumable), which match the rest of data as they
// match it inside the whole.
func resume(re Regexp, data []byte, fn func(loc []int) bool) {
	prevEnd := -1
	for pos := 0; pos <= len(data); {
		loc := re.FindIndex(data[pos:])
		if loc == nil {
			return
		}
		loc[0] += pos
		loc[1] += pos
		accept := true
		if loc[1] == pos { // an empty match
			// Not right after a previous match, and the next search starts
			// one rune on.
			accept = loc[0] != prevEnd
			if _, w := utf8.DecodeRune(data[pos:]); w > 0 {
				pos += w
			} else {
				pos = len(data) + 1
			}
		} else {
			pos = loc[1]
		}
		prevEnd = loc[1]
		if accept && !fn(loc) {
			return
		}
	}
}

// CountAll returns len(re.FindAllIndex(data, -1)), counting piece by piece
// on every core when the pattern can be cut at newlines (see Cuttable), one
// match at a time when it is Resumable, and from one FindAllIndex call
// otherwise. Each engine call runs under g.
func CountAll(t *Tuning, g Guard, re Regexp, data []byte) (int, error) {
	if verdict(re) != cuttable {
		n := 0
		err := g.run(0, func() { AllIndex(t, re, data, func([]int) bool { n++; return true }) })
		return n, err
	}
	var total atomic.Int64
	err := Pieces(t, g, data, func(a, b int) { total.Add(int64(len(re.FindAllIndex(data[a:b], -1)))) })
	return int(total.Load()), err
}

// CountLines returns the number of lines of data (as NextLine splits them)
// in which re.Match finds a match, as `grep -c` counts them, on every core
// from t.RegexpParallel bytes; exact for every engine and pattern.
func CountLines(t *Tuning, g Guard, re Regexp, data []byte) (int, error) {
	var total atomic.Int64
	err := Pieces(t, g, data, func(a, b int) {
		n := 0
		// The '\n' after the piece ends its last line, which may be empty.
		end := b
		if b < len(data) {
			end = b + 1
		}
		for pos := a; pos < end; {
			line, next := NextLine(data[:end], pos)
			if re.Match(line) {
				n++
			}
			pos = next
		}
		total.Add(int64(n))
	})
	return int(total.Load()), err
}

type kind uint8

const (
	whole     kind = iota // only one FindAllIndex over the whole text is exact
	resumable             // FindIndex of the rest of the text finds the next match
	cuttable              // the text may be cut into pieces at newlines
)

// Cuttable reports whether re is a *regexp.Regexp whose matches over a
// text are exactly the matches over the pieces of the text cut at newlines
// (each '\n' dropped between two pieces). That holds when no match can
// contain '\n', and no empty-width assertion tells a newline from the edge
// of the text (\A, \z, and ^ and $ without (?m) do; \b, \B, and (?m)^ and $
// do not), so that the engine sees every piece as it sees that stretch of
// the whole text. The pattern is parsed both as regexp.Compile and as
// regexp.CompilePOSIX parse it, and must be safe in both, since the two
// cannot be told apart from the outside.
func Cuttable(re Regexp) bool { return verdict(re) == cuttable }

// Resumable reports whether re is a *regexp.Regexp without an assertion
// that looks behind (^, \A, \b, \B), so that searching the rest of a text
// from an offset finds what a search of the whole text from that offset
// finds.
func Resumable(re Regexp) bool { return verdict(re) >= resumable }

// verdicts remembers the kind of the patterns seen last: parsing costs
// microseconds, a scan of a small text less. It is bounded: when full, it
// starts again.
var verdicts struct {
	sync.Mutex
	m map[string]kind
}

const maxVerdicts = 256

func verdict(re Regexp) kind {
	r, ok := re.(*regexp.Regexp)
	if !ok || r == nil {
		return whole
	}
	expr := r.String()
	verdicts.Lock()
	v, ok := verdicts.m[expr]
	verdicts.Unlock()
	if ok {
		return v
	}
	// A pattern that one of the two does not parse was not compiled by it.
	cut, res, parsed := true, true, false
	for _, flags := range []syntax.Flags{syntax.Perl, syntax.POSIX} {
		t, err := syntax.Parse(expr, flags)
		if err != nil {
			continue
		}
		parsed = true
		cut = cut && treeCuttable(t)
		res = res && treeResumable(t)
	}
	switch {
	case !parsed:
		v = whole
	case cut:
		v = cuttable
	case res:
		v = resumable
	}
	verdicts.Lock()
	if verdicts.m == nil || len(verdicts.m) >= maxVerdicts {
		verdicts.m = make(map[string]kind)
	}
	verdicts.m[expr] = v
	verdicts.Unlock()
	return v
}

func treeCuttable(t *syntax.Regexp) bool {
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
		return allSubs(t, treeCuttable)
	}
	// OpAnyChar, OpBeginText, OpEndText, and anything unknown.
	return false
}

func treeResumable(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return false
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpLiteral, syntax.OpCharClass,
		syntax.OpAnyCharNotNL, syntax.OpAnyChar, syntax.OpEndLine, syntax.OpEndText:
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat,
		syntax.OpConcat, syntax.OpAlternate:
		return allSubs(t, treeResumable)
	}
	return false
}

func allSubs(t *syntax.Regexp, ok func(*syntax.Regexp) bool) bool {
	for _, s := range t.Sub {
		if !ok(s) {
			return false
		}
	}
	return true
}

func foldsToNewline(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == '\n' {
			return true
		}
	}
	return false
}
