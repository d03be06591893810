package grep

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	re2 "github.com/wasilibs/go-re2"
)

// wordClass is a character that is not a word constituent and not a line
// end: what GNU grep -w accepts on each side of a match (C locale).
const wordClass = `[^0-9A-Za-z_\n]`

// compiled is the patterns of one command line, ready to run on a buffer
// of many lines: no match of re can contain '\n', and ^ and $ match at
// every line boundary, so searching a whole buffer finds exactly what
// searching each line finds.
type compiled struct {
	lit       []byte         // the pattern is this one literal: searched with indexLiteral, no engine
	litRare   int            // the offset in lit of its rarest byte
	litFold   bool           // -i: lit is lower case and matches in any case (ASCII)
	all       bool           // the empty pattern: every line matches, no match is printed
	re        *regexp.Regexp // the whole pattern, for one line at a time (nil when lit or all)
	word      bool           // re is wrapped for -w: group 1 is the match
	wordStart *regexp.Regexp // for -w -o: a whole-word match at the line's start (group 1)
	wordMid   *regexp.Regexp // for -w -o: one after a non-word character, which it consumes (group 1)
	prefilter []reqLit       // every match contains one of these literals (nil: no such set)
	preRare   []int          // the offset in each prefilter literal of its rarest byte
	bulk      bulkEngine     // re for whole windows of lines (nil when lit or all)
}

// bulkEngine is the engine that scans whole windows of lines, where no
// required literal narrows the search: go-re2 (RE2's DFA, compiled to Go
// through WebAssembly), 3 to 25 times faster than the standard regexp on
// the patterns of BenchmarkEngines, which sets this choice. Each call
// copies its input into the engine's memory, so it is called once per
// window, never per line; lines are matched with the standard regexp.
type bulkEngine interface {
	FindAllIndex(b []byte, n int) [][]int
}

// compile turns grep patterns into one line-safe matcher.
func compile(o *Options) (*compiled, error) {
	var pats []string
	for _, p := range o.Patterns {
		pats = append(pats, strings.Split(p, "\n")...)
	}
	if len(pats) == 0 {
		return nil, fmt.Errorf("no pattern")
	}
	for _, p := range pats {
		if err := gnuOnly(p); err != nil && !o.Fixed {
			return nil, err
		}
	}
	word := o.Word && !o.Line
	if len(pats) == 1 && !o.IgnoreCase && !word && !o.Line {
		p := pats[0]
		if p == "" {
			return &compiled{all: true}, nil
		}
		if o.Fixed || isLiteral(p) {
			lit := p
			if !o.Fixed {
				lit = unquoteLiteral(p)
			}
			return &compiled{lit: []byte(lit), litRare: rarestByte([]byte(lit))}, nil
		}
	}
	if len(pats) == 1 && o.IgnoreCase && !word && !o.Line && pats[0] != "" {
		// A literal with -i: both cases of its rarest byte, no engine.
		p := pats[0]
		if !o.Fixed && isLiteral(p) {
			p = unquoteLiteral(p)
		} else if !o.Fixed {
			p = ""
		}
		if p != "" && isASCII(p) {
			lit := []byte(strings.ToLower(p))
			return &compiled{lit: lit, litRare: rarestByte(lit), litFold: true}, nil
		}
	}
	var alts, lineAlts []string // for a buffer of lines; for one line
	var trees []*syntax.Regexp
	for _, p := range pats {
		if o.Fixed {
			p = regexp.QuoteMeta(p)
		}
		flags := syntax.Perl
		if o.IgnoreCase {
			flags |= syntax.FoldCase
		}
		t, err := syntax.Parse(p, flags)
		if err != nil {
			return nil, err
		}
		t = lineSafe(t)
		trees = append(trees, t)
		alts = append(alts, t.String())
		lineAlts = append(lineAlts, textAnchors(t).String())
	}
	inner := "(?:" + strings.Join(alts, ")|(?:") + ")"
	lineInner := "(?:" + strings.Join(lineAlts, ")|(?:") + ")"
	c := &compiled{word: word}
	expr, lineExpr := inner, lineInner
	switch {
	case o.Line:
		expr = `(?m:^)(?:` + inner + `)(?m:$)`
		lineExpr = `^(?:` + lineInner + `)$`
	case word:
		expr = `(?:(?m:^)|` + wordClass + `)(` + inner + `)(?:` + wordClass + `|(?m:$))`
		lineExpr = `(?:^|` + wordClass + `)(` + lineInner + `)(?:` + wordClass + `|$)`
		// -o needs each match's own bounds. One expression for both
		// sides would let a longer match that starts one character later
		// win over one at the line's start (leftmost-longest counts the
		// consumed character), so the start of the line is tried alone.
		var err error
		if c.wordStart, err = compileLongest(`^(` + lineInner + `)(?:` + wordClass + `|$)`); err != nil {
			return nil, err
		}
		if c.wordMid, err = compileLongest(wordClass + `(` + lineInner + `)(?:` + wordClass + `|$)`); err != nil {
			return nil, err
		}
	}
	re, err := compileLongest(lineExpr)
	if err != nil {
		return nil, err
	}
	c.re = re
	bulk, err := re2.Compile(expr)
	if err != nil {
		return nil, err
	}
	bulk.Longest()
	c.bulk = bulk
	if len(trees) == 1 {
		c.prefilter = requiredLiterals(trees[0])
		for _, l := range c.prefilter {
			c.preRare = append(c.preRare, rarestByte(l.b))
		}
	}
	return c, nil
}

// compileLongest compiles expr for POSIX leftmost-longest matching, the
// matches grep -o prints.
func compileLongest(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	re.Longest()
	return re, nil
}

// isLiteral reports whether p, as a regular expression, matches only
// itself (after unquoting escaped punctuation).
func isLiteral(p string) bool {
	t, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return false
	}
	return t.Op == syntax.OpLiteral && t.Flags&syntax.FoldCase == 0 && !strings.ContainsRune(string(t.Rune), '\n') && isASCII(string(t.Rune))
}

func unquoteLiteral(p string) string {
	t, _ := syntax.Parse(p, syntax.Perl)
	return string(t.Rune)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lineSafe rewrites t so that it matches within one line as grep does:
// no part can match '\n', and the anchors to the text (\A, \z, ^ and $
// outside (?m)) anchor to the line.
func lineSafe(t *syntax.Regexp) *syntax.Regexp {
	switch t.Op {
	case syntax.OpAnyChar:
		t.Op = syntax.OpAnyCharNotNL
	case syntax.OpBeginText:
		t.Op = syntax.OpBeginLine
	case syntax.OpEndText:
		t.Op = syntax.OpEndLine
		t.Flags &^= syntax.WasDollar
	case syntax.OpLiteral:
		for _, r := range t.Rune {
			if r == '\n' {
				return &syntax.Regexp{Op: syntax.OpNoMatch}
			}
		}
	case syntax.OpCharClass:
		var out []rune
		for i := 0; i+1 < len(t.Rune); i += 2 {
			lo, hi := t.Rune[i], t.Rune[i+1]
			if lo <= '\n' && '\n' <= hi {
				if lo < '\n' {
					out = append(out, lo, '\n'-1)
				}
				if hi > '\n' {
					out = append(out, '\n'+1, hi)
				}
				continue
			}
			out = append(out, lo, hi)
		}
		if len(out) == 0 {
			return &syntax.Regexp{Op: syntax.OpNoMatch}
		}
		t.Rune = out
	}
	for i, s := range t.Sub {
		t.Sub[i] = lineSafe(s)
	}
	return t
}

// textAnchors turns the line anchors of a lineSafe tree into anchors to
// the text, for matching one line on its own: the same matches, and the
// standard regexp knows a pattern that starts with ^ is anchored, so it
// tries one start instead of every one: a third of the CPU time for
// grep -c '^2026-[0-9-]+T12:3' on the 1 GiB text of scripts/grep-speed.
func textAnchors(t *syntax.Regexp) *syntax.Regexp {
	switch t.Op {
	case syntax.OpBeginLine:
		t.Op = syntax.OpBeginText
	case syntax.OpEndLine:
		t.Op = syntax.OpEndText
	}
	for _, s := range t.Sub {
		textAnchors(s)
	}
	return t
}

// maxPrefilter is the most literals a prefilter searches for: each is one
// more pass over the text.
const maxPrefilter = 4

// requiredLiterals returns a few literals of which every match of t
// contains at least one, or nil: searching for them first, and running the
// engine only on the lines that hold one, is what grep and ripgrep do. In a
// concatenation it takes the part whose shortest literal is the longest;
// an alternation needs a literal from every branch.
func requiredLiterals(t *syntax.Regexp) []reqLit {
	switch t.Op {
	case syntax.OpLiteral:
		s := string(t.Rune)
		if !isASCII(s) {
			return nil
		}
		if t.Flags&syntax.FoldCase != 0 {
			return []reqLit{{b: []byte(strings.ToLower(s)), fold: true}}
		}
		return []reqLit{{b: []byte(s)}}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return requiredLiterals(t.Sub[0])
		}
	case syntax.OpConcat:
		var best []reqLit
		for _, s := range t.Sub {
			if set := requiredLiterals(s); shortest(set) > shortest(best) || shortest(set) == shortest(best) && len(set) < len(best) {
				best = set
			}
		}
		return best
	case syntax.OpAlternate:
		var all []reqLit
		for _, s := range t.Sub {
			set := requiredLiterals(s)
			if set == nil {
				return nil
			}
			all = append(all, set...)
		}
		if len(all) > maxPrefilter {
			return nil
		}
		return all
	}
	return nil
}

// A reqLit is a literal a match must contain; with fold, in any case
// (ASCII letters only, as grep -i in the C locale), and b is lower case.
type reqLit struct {
	b    []byte
	fold bool
}

// shortest returns the length of the shortest literal of set, 0 for none.
func shortest(set []reqLit) int {
	n := 0
	for i, l := range set {
		if i == 0 || len(l.b) < n {
			n = len(l.b)
		}
	}
	return n
}

// gnuOnly returns an error for the GNU ERE constructs that RE2 syntax reads
// as something else without complaint (\< as a literal '<', a{,2} as the
// text "{,2}"), so that a pattern written for GNU grep fails loudly instead
// of selecting other lines.
func gnuOnly(p string) error {
	for _, c := range []struct{ gnu, instead string }{
		{`\<`, `\b`}, {`\>`, `\b`}, {"\\`", `\A or ^`}, {`\'`, `\z or $`},
		{`[[=`, "the character itself"}, {`[[.`, "the character itself"},
	} {
		if i := strings.Index(p, c.gnu); i >= 0 && !escaped(p, i) {
			return fmt.Errorf("%s is GNU grep syntax that Go's RE2 syntax reads otherwise: write %s", c.gnu, c.instead)
		}
	}
	if i := strings.Index(p, "{,"); i > 0 && !escaped(p, i) {
		return fmt.Errorf("{,n} is GNU grep syntax that Go's RE2 syntax reads as text: write {0,n}")
	}
	return nil
}

// escaped reports whether p[i] follows an odd number of backslashes.
func escaped(p string, i int) bool {
	n := 0
	for i > 0 && p[i-1] == '\\' {
		n++
		i--
	}
	return n%2 == 1
}
