package bench

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// seedPy is the seed's Python functions with a timing harness.
//
//go:embed seed.py
var seedPy []byte

var errNoPython = errors.New("python3 not found")

type pyCell struct {
	MedianNs int64 `json:"median_ns"`
	MinNs    int64 `json:"min_ns"`
	MaxNs    int64 `json:"max_ns"`
	N        int   `json:"n"`
}

func (c pyCell) stats() Stats {
	return Stats{Median: time.Duration(c.MedianNs), Min: time.Duration(c.MinNs), Max: time.Duration(c.MaxNs), N: c.N}
}

type pyReport struct {
	Version string                       `json:"version"`
	Results map[string]map[string]pyCell `json:"results"`
}

// runPython times the seed's Python functions for the named comparisons on
// path with python3; cold has it evict the file before every timed run.
func runPython(ctx context.Context, path, dir string, runs int, cold bool, names ...string) (*pyReport, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, errNoPython
	}
	script := filepath.Join(dir, "seed.py")
	if err := os.WriteFile(script, seedPy, 0o600); err != nil {
		return nil, err
	}
	args := append([]string{script, path, strconv.Itoa(runs), dir}, names...)
	cmd := exec.CommandContext(ctx, py, args...)
	if cold {
		cmd.Env = append(os.Environ(), "MMAP_BENCH_COLD=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the exception, not the traceback
		}
		return nil, fmt.Errorf("python3 seed.py: %v: %s", err, msg)
	}
	var rep pyReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("python3 seed.py: bad output: %v", err)
	}
	return &rep, nil
}
