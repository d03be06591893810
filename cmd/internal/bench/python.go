package bench

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// seedPy is the seed's Python functions with a server that times them.
//
//go:embed seed.py
var seedPy []byte

var errNoPython = errors.New("python3 not found")

// A pyServer is seed.py running as a co-process: the bench sends it one
// request at a time and waits, so Python and Go never run at once.
type pyServer struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  bytes.Buffer
	Version string
}

// startPython starts seed.py on path; cold has it evict the file before
// every timed call.
func startPython(ctx context.Context, path, dir string, cold bool) (*pyServer, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, errNoPython
	}
	script := filepath.Join(dir, "seed.py")
	if err := os.WriteFile(script, seedPy, 0o600); err != nil {
		return nil, err
	}
	s := &pyServer{cmd: exec.CommandContext(ctx, py, script, path, dir)}
	if cold {
		s.cmd.Env = append(os.Environ(), "MMAP_BENCH_COLD=1")
	}
	s.cmd.Stderr = &s.stderr
	if s.in, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.out = bufio.NewScanner(stdout)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	var v struct{ Version string }
	if err := s.call(map[string]any{"op": "version"}, &v); err != nil {
		s.close()
		return nil, err
	}
	s.Version = v.Version
	return s, nil
}

// call sends one request and decodes its answer into out.
func (s *pyServer) call(req map[string]any, out any) error {
	b, _ := json.Marshal(req)
	if _, err := s.in.Write(append(b, '\n')); err != nil {
		return s.failed(err)
	}
	if !s.out.Scan() {
		return s.failed(s.out.Err())
	}
	var e struct{ Error string }
	if err := json.Unmarshal(s.out.Bytes(), &e); err != nil {
		return fmt.Errorf("python3 seed.py: bad answer %q: %v", s.out.Bytes(), err)
	}
	if e.Error != "" {
		return fmt.Errorf("python3 seed.py: %s", e.Error)
	}
	return json.Unmarshal(s.out.Bytes(), out)
}

// failed explains a broken pipe by what python3 printed last.
func (s *pyServer) failed(err error) error {
	s.in.Close()
	s.cmd.Wait()
	msg := strings.TrimSpace(s.stderr.String())
	if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
		msg = msg[i+1:] // the exception, not the traceback
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("python3 seed.py: %v: %s", err, msg)
}

func (s *pyServer) close() error {
	s.in.Close()
	return s.cmd.Wait()
}

// pyFamily is the seed.py function family of a Python column.
func pyFamily(c Column) string {
	if c == PythonRegular {
		return "regular"
	}
	return "mmap"
}

// A pyCell is one seed.py function on the bench's file, timed in python3.
type pyCell struct {
	s    *pyServer
	name string
	col  Column
}

func (c pyCell) warm() (check int, sum string, err error) {
	var out struct {
		Check int
		Sum   string
	}
	err = c.s.call(map[string]any{"op": "warm", "name": c.name, "col": pyFamily(c.col)}, &out)
	return out.Check, out.Sum, err
}

func (c pyCell) rep(n int) (time.Duration, int64, error) {
	var out struct {
		Ns     int64
		Faults int64
	}
	err := c.s.call(map[string]any{"op": "rep", "name": c.name, "col": pyFamily(c.col), "n": n}, &out)
	return time.Duration(out.Ns), out.Faults, err
}
