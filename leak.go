package mmap

import (
	"runtime"
	"sync/atomic"
)

// leakReports holds the function that ReportLeaks installed, if any.
var leakReports atomic.Pointer[func(stack []byte)]

// ReportLeaks turns on a debugging aid: every Map made afterwards records
// the stack that made it, and when the garbage collector finds a Map that
// was never closed, report is called with that stack (from the cleanup
// goroutine) before the memory is unmapped. A nil report turns it off.
//
// Unclosed maps are always unmapped by the garbage collector; ReportLeaks
// only says where they came from. Recording a stack costs a few
// microseconds per Map.
func ReportLeaks(report func(stack []byte)) {
	if report == nil {
		leakReports.Store(nil)
		return
	}
	leakReports.Store(&report)
}

func captureStack() []byte {
	buf := make([]byte, 4096)
	return buf[:runtime.Stack(buf, false)]
}

// releaseLeaked is the GC cleanup of a Map that was never closed.
func releaseLeaked(res *resources) {
	if report := leakReports.Load(); report != nil && res.stack != nil {
		(*report)(res.stack)
	}
	res.release()
}
