//go:build !unix

package shm

import (
	"os"
	"syscall"
)

func trackerAttr() *syscall.SysProcAttr { return nil }

func trackerExecutable() (string, error) { return os.Executable() }

func ignoreSignals() {}
