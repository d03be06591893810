package mmap

import (
	"iter"
	"regexp"

	"github.com/mmapkit/mmap/internal/scan"
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

// FindRegexp returns the location of the leftmost match of re in the map,
// as re.FindIndex(m.Bytes()) does: loc[0] and loc[1] are offsets in the
// map. It returns nil if there is no match. A fault while the engine reads
// the map is a *FaultError.
func (m *Map) FindRegexp(re Regexp) ([]int, error) {
	const op = "findregexp"
	if err := nilArg("Regexp", re); err != nil {
		return nil, opError(op, err)
	}
	if err := m.enter(op); err != nil {
		return nil, err
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
// Memory: for a *regexp.Regexp that cannot match across a line break (see
// CountRegexp) the map is searched a megabyte at a time, cut at newlines;
// for one that can but has no assertion looking behind (^, \A, \b, \B), one
// match at a time (a 4 MiB map with 2 Mi matches of (?s)a. grows the heap
// by less than 4 times the map's size, 3.8 MiB measured, where one
// FindAllIndex took 226 MiB: TestRegexpMemoryBounded). For any other pattern, and any
// other engine, the engine's FindAllIndex runs over the whole map first,
// which takes about 40 bytes per match.
//
// The iterator holds the Map open for the whole loop, like FindAll: the body
// must not call Close or Resize of the same Map. A fault while the engine
// reads the map ends the loop with (nil, err); one in the body panics with
// the *FaultError.
// The loop's error is an *OpError or a *FaultError.
func (m *Map) Matches(re Regexp) iter.Seq2[[]int, error] {
	return func(yield func([]int, error) bool) {
		iterate(m, "matches", nil, nilArg("Regexp", re), yield, func(data []byte, emit func([]int) bool) {
			scan.AllIndex(&tuning, re, data, emit)
		})
	}
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
// parallel for maps of 64 KiB and more. Other patterns without an
// assertion that looks behind (^, \A, \b, \B) are counted one match at a
// time; the rest, and any other engine, by one call of re.FindAllIndex over
// the whole map, which takes about 40 bytes per match.
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) CountRegexp(re Regexp) (int, error) {
	const op = "countregexp"
	if err := nilArg("Regexp", re); err != nil {
		return 0, opError(op, err)
	}
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	return scan.CountAll(&tuning, m.callerGuard(op), re, m.data)
}

// CountLinesMatching returns the number of lines of the map (as Lines
// splits them: without "\n" or "\r\n") in which re finds a match, as
// `grep -c` counts them; each line is matched on its own with re.Match.
// Maps of 64 KiB and more are cut at newlines and counted on every core,
// which is exact for every engine and pattern.
// Errors are *OpError values, or *FaultError for a memory fault.
func (m *Map) CountLinesMatching(re Regexp) (int, error) {
	const op = "countlines"
	if err := nilArg("Regexp", re); err != nil {
		return 0, opError(op, err)
	}
	if err := m.enter(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	return scan.CountLines(&tuning, m.callerGuard(op), re, m.data)
}
