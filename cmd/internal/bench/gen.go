package bench

import (
	"bufio"
	"io"
	"math/rand/v2"
	"os"
)

// DefaultSize is the size of the text Generate makes when no file is given:
// about the size of the book the seed timed.
const DefaultSize = 2_400_000

// words is the generator's vocabulary, common English words with a weight
// each (how many times the word stands in the draw). "the" is the most
// common word, as in English, and many words have five letters, so that the
// seed's " the " searches and five-letter-word regex have work to do.
var words = []struct {
	w string
	n int
}{
	{"the", 60}, {"and", 30}, {"of", 28}, {"to", 26}, {"a", 22}, {"in", 18}, {"that", 12},
	{"he", 12}, {"his", 11}, {"it", 10}, {"was", 10}, {"with", 9}, {"for", 8}, {"as", 8},
	{"I", 8}, {"not", 7}, {"is", 7}, {"but", 7}, {"had", 6}, {"be", 6}, {"on", 6}, {"him", 6},
	{"said", 5}, {"you", 5}, {"all", 5}, {"by", 5}, {"so", 5}, {"her", 5}, {"my", 5},
	{"which", 4}, {"their", 4}, {"there", 4}, {"would", 4}, {"could", 4}, {"these", 3},
	{"other", 3}, {"about", 3}, {"first", 3}, {"great", 3}, {"never", 3}, {"while", 3},
	{"where", 3}, {"after", 3}, {"still", 2}, {"under", 2}, {"again", 2}, {"night", 2},
	{"horse", 2}, {"knight", 2}, {"squire", 2}, {"world", 2}, {"water", 2}, {"house", 2},
	{"heart", 2}, {"place", 2}, {"since", 2}, {"being", 2}, {"those", 2}, {"thing", 2},
	{"sancho", 3}, {"quixote", 3}, {"worship", 2}, {"lady", 2}, {"senor", 2}, {"upon", 3},
	{"good", 3}, {"time", 3}, {"what", 3}, {"them", 3}, {"this", 4}, {"from", 3}, {"one", 3},
	{"will", 2}, {"who", 2}, {"if", 3}, {"when", 2}, {"no", 2}, {"more", 2}, {"some", 2},
	{"into", 2}, {"very", 2}, {"way", 2}, {"man", 2}, {"now", 2}, {"himself", 2}, {"without", 2},
	{"before", 2}, {"answered", 1}, {"adventure", 1}, {"enchanted", 1}, {"windmill", 1},
	{"giants", 1}, {"shepherd", 1}, {"village", 1}, {"castle", 1}, {"inn", 1}, {"book", 1},
	{"books", 1}, {"chivalry", 1}, {"valour", 1}, {"fortune", 1}, {"dulcinea", 1}, {"toboso", 1},
	{"rocinante", 1}, {"barber", 1}, {"curate", 1}, {"truth", 1}, {"reason", 1}, {"honour", 1},
	{"sword", 1}, {"lance", 1}, {"armour", 1}, {"road", 1}, {"journey", 1}, {"island", 1},
	{"governor", 1}, {"master", 1}, {"friend", 1}, {"peace", 1}, {"battle", 1}, {"story", 1},
}

// Generate writes n bytes of deterministic English-like text to w: sentences
// of words drawn by a PRNG with a fixed seed, wrapped at 72 columns, with a
// blank line between paragraphs. The output for n is a prefix of the output
// for any larger n.
func Generate(w io.Writer, n int64) error {
	var table []string
	for _, e := range words {
		for range e.n {
			table = append(table, e.w)
		}
	}
	r := rand.New(rand.NewPCG(0x6d6d6170, 0x6b6974)) // "mmap", "kit"
	bw := bufio.NewWriterSize(w, 1<<16)
	var line []byte
	var written int64
	emit := func(b []byte) error {
		if rest := n - written; int64(len(b)) > rest {
			b = b[:rest]
		}
		k, err := bw.Write(b)
		written += int64(k)
		return err
	}
	lines := 0
	for written < n {
		// One sentence.
		words := 6 + r.IntN(14)
		for i := range words {
			word := table[r.IntN(len(table))]
			var tok []byte
			if i == 0 {
				tok = append(tok, word...)
				if tok[0] >= 'a' && tok[0] <= 'z' {
					tok[0] -= 'a' - 'A'
				}
			} else {
				tok = append(tok, word...)
			}
			switch {
			case i == words-1:
				tok = append(tok, ".!?."[r.IntN(4)])
			case r.IntN(9) == 0:
				tok = append(tok, ',')
			case r.IntN(40) == 0:
				tok = append(tok, ';')
			}
			if len(line) > 0 && len(line)+1+len(tok) > 72 {
				line = append(line, '\n')
				lines++
				if lines%(5+r.IntN(8)) == 0 {
					line = append(line, '\n')
				}
				if err := emit(line); err != nil {
					return err
				}
				if written >= n {
					break
				}
				line = line[:0]
			}
			if len(line) > 0 {
				line = append(line, ' ')
			}
			line = append(line, tok...)
		}
	}
	return bw.Flush()
}

// GenerateFile writes Generate's n bytes to a new file at path.
func GenerateFile(path string, n int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := Generate(f, n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// RepeatFile writes a file of exactly n bytes at dst that repeats the content
// of src, as the baseline's dq-1g.txt repeats the book.
func RepeatFile(dst, src string, n int64) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return GenerateFile(dst, n)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	for left := n; left > 0; {
		chunk := data[:min(int64(len(data)), left)]
		k, err := f.Write(chunk)
		left -= int64(k)
		if err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
