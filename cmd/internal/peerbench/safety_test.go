package peerbench

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	edsrzf "github.com/edsrzf/mmap-go"
	xmmap "golang.org/x/exp/mmap"

	"github.com/mmapkit/mmap"
	"github.com/mmapkit/mmap/internal/platformtest"
)

// The README's claims about the peers' safety, each a test.

// TestPeersEmptyFile: ours and x/exp/mmap open an empty file; edsrzf's Map
// returns an error.
func TestPeersEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path)
	if err != nil || m.Len() != 0 {
		t.Errorf("mmapkit: %v", err)
	} else {
		m.Close()
	}
	x, err := xmmap.Open(path)
	if err != nil || x.Len() != 0 {
		t.Errorf("x/exp/mmap: %v", err)
	} else {
		x.Close()
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if e, err := edsrzf.Map(f, edsrzf.RDONLY, 0); err == nil {
		e.Unmap()
		t.Errorf("edsrzf/mmap-go mapped an empty file: the README says it cannot")
	}
}

// TestPeersUnalignedOffset: ours maps from any offset; edsrzf's MapRegion
// needs a multiple of the page size (x/exp/mmap takes no offset at all).
func TestPeersUnalignedOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 3*4096)), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.OpenFile(path, mmap.ReadOnly, mmap.WithOffset(100), mmap.WithLength(4096))
	if err != nil || m.Len() != 4096 {
		t.Errorf("mmapkit at offset 100: %v", err)
	} else {
		m.Close()
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if e, err := edsrzf.MapRegion(f, 4096, edsrzf.RDONLY, 0, 100); err == nil {
		e.Unmap()
		t.Errorf("edsrzf/mmap-go mapped at offset 100: the README says it cannot")
	}
}

// TestPeersTruncated: a file truncated under the map kills a process that
// reads it through x/exp/mmap or edsrzf/mmap-go (SIGBUS); ours returns an
// error. Each peer runs in a child process.
func TestPeersTruncated(t *testing.T) {
	if peer := os.Getenv("PEERBENCH_TRUNCATE"); peer != "" {
		truncatedChild(peer, os.Getenv("PEERBENCH_FILE"))
		return
	}
	platformtest.SkipUnlessTruncationFaults(t)
	for _, peer := range []string{"x-exp-mmap", "edsrzf", "mmapkit"} {
		path := filepath.Join(t.TempDir(), "data")
		if err := os.WriteFile(path, []byte(strings.Repeat("x", 64<<10)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeersTruncated$")
		cmd.Env = append(os.Environ(), "PEERBENCH_TRUNCATE="+peer, "PEERBENCH_FILE="+path)
		out, err := cmd.CombinedOutput()
		died := err != nil && strings.Contains(string(out), "SIGBUS")
		if peer == "mmapkit" {
			if err != nil || !strings.Contains(string(out), "read error:") {
				t.Errorf("mmapkit: %v\n%s", err, out)
			}
		} else if !died {
			t.Errorf("%s survived a truncated file (%v): the README says it dies\n%s", peer, err, out)
		}
	}
}

// truncatedChild maps the file with peer, truncates it and reads a byte
// from the lost part.
func truncatedChild(peer, path string) {
	buf := make([]byte, 1)
	truncate := func() {
		if err := os.Truncate(path, 0); err != nil {
			panic(err)
		}
	}
	switch peer {
	case "x-exp-mmap":
		r, err := xmmap.Open(path)
		if err != nil {
			panic(err)
		}
		truncate()
		r.ReadAt(buf, 8192)
	case "edsrzf":
		f, err := os.Open(path)
		if err != nil {
			panic(err)
		}
		e, err := edsrzf.Map(f, edsrzf.RDONLY, 0)
		if err != nil {
			panic(err)
		}
		truncate()
		buf[0] = e[8192]
	case "mmapkit":
		m, err := mmap.Open(path)
		if err != nil {
			panic(err)
		}
		truncate()
		_, err = m.ReadAt(buf, 8192)
		os.Stdout.WriteString("read error: " + err.Error() + "\n")
	}
}
