package grep

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestChunksAgree runs the same searches with small chunks on several
// goroutines and with one chunk on one: the output and status must not
// depend on where the chunks fall (run it with -race).
func TestChunksAgree(t *testing.T) {
	var text bytes.Buffer
	for i := range 3000 {
		fmt.Fprintf(&text, "line %d foo%d bar the ERROR %s\n", i, i%7, []string{"", "x", "id=42", "\tend"}[i%4])
		if i%500 == 0 {
			text.WriteString("\n")
		}
	}
	text.WriteString("no newline at the end foo")
	path := filepath.Join(t.TempDir(), "t.txt")
	if err := os.WriteFile(path, text.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(o Options, chunk, workers int) (string, int) {
		old := chunkSize
		chunkSize = chunk
		defer func() { chunkSize = old }()
		o.Workers = workers
		var out bytes.Buffer
		code := Run(context.Background(), o, []string{path}, nil, &out, &out)
		return out.String(), code
	}
	for _, o := range []Options{
		{Patterns: []string{"foo3"}}, {Patterns: []string{"foo3"}, Count: true}, {Patterns: []string{"foo3"}, LineNumber: true},
		{Patterns: []string{"ERROR"}, Invert: true, Count: true}, {Patterns: []string{`id=[0-9]+`}, Only: true, LineNumber: true},
		{Patterns: []string{`\bfoo[0-3]\b`}, Count: true}, {Patterns: []string{`end$`}, LineNumber: true},
		{Patterns: []string{"the"}, CountMatches: true}, {Patterns: []string{`o`}, CountMatches: true},
		{Patterns: []string{`^$`}, LineNumber: true}, {Patterns: []string{"foo"}, MaxCount: 100, LineNumber: true},
		{Patterns: []string{"x"}, FilesWith: true}, {Patterns: []string{"zzz"}, FilesWithout: true},
		{Patterns: []string{"foo"}, Word: true, Only: true}, {Patterns: []string{"t.e"}, Invert: true, LineNumber: true},
	} {
		if o.MaxCount == 0 {
			o.MaxCount = -1
		}
		wantOut, wantCode := run(o, 1<<30, 1)
		for _, chunk := range []int{1, 100, 4096} {
			if gotOut, gotCode := run(o, chunk, 4); gotOut != wantOut || gotCode != wantCode {
				t.Errorf("%+v, %d-byte chunks: exit %d, %d bytes out; one chunk: exit %d, %d bytes", o, chunk, gotCode, len(gotOut), wantCode, len(wantOut))
			}
		}
	}
}

// TestChunksLongLineLinear: a 32 MiB line cut into 4 KiB chunks. When every
// chunk looked for the line start after its own start, each scanned to the
// line's end: 8,192 scans of 16 MiB on average, many seconds (a 2.6 GB
// sparse file ran for minutes). Chunks inside the line are empty now, and
// the search takes milliseconds; the bound leaves room for -race.
func TestChunksLongLineLinear(t *testing.T) {
	text := append(bytes.Repeat([]byte("a"), 32<<20), "foo\nbar foo\n"...)
	path := filepath.Join(t.TempDir(), "long.txt")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	old := chunkSize
	chunkSize = 4096
	defer func() { chunkSize = old }()
	var out bytes.Buffer
	start := time.Now()
	code := Run(context.Background(), Options{Patterns: []string{"foo"}, Count: true, MaxCount: -1, Workers: 2}, []string{path}, nil, &out, &out)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("grep -c over one 32 MiB line in 4 KiB chunks took %v", d)
	}
	if code != 0 || out.String() != "2\n" {
		t.Errorf("exit %d, output %q; want 0, \"2\\n\"", code, out.String())
	}
}
