package shm

// TrackerPID returns the process id of this process's tracker, 0 when
// none runs.
func TrackerPID() int {
	trk.mu.Lock()
	defer trk.mu.Unlock()
	if trk.w == nil {
		return 0
	}
	return trk.pid
}

// SetTrackerExecutable makes the next tracker start run path instead of
// this program, and returns a function that undoes it.
func SetTrackerExecutable(path string) (undo func()) {
	old := trackerExe
	trackerExe = func() (string, error) { return path, nil }
	return func() { trackerExe = old }
}
