package platformtest

import (
	"runtime"
	"testing"
)

// The probes must find the properties where they hold, or the tests that
// need them would skip unnoticed: on linux/amd64 (the CI machine, natively
// or under qemu-x86_64, which reports faults right) both hold.
func TestProbes(t *testing.T) {
	fault := truncationFaults()
	args, argsWhy := ArgsCarryBytes()
	// .ci/platforms reads this line to leave out ExampleFaultError, which
	// cannot skip itself.
	t.Logf("truncation faults testable: %v %s", fault == "", fault)
	t.Logf("argument bytes testable: %v %s", args, argsWhy)
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		if fault != "" {
			t.Errorf("truncation faults not testable on linux/amd64: %s", fault)
		}
		if !args {
			t.Errorf("argument bytes not testable on linux/amd64: %s", argsWhy)
		}
	}
}
