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
