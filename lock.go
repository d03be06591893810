package mmap

// Lock locks the map's pages in RAM, so they are never paged out (mlock;
// VirtualLock on Windows). It may need privileges or a raised RLIMIT_MEMLOCK.
// Errors are *OpError values.
func (m *Map) Lock() error {
	return m.lockOp("lock", region.lock)
}

// Unlock undoes Lock (munlock; VirtualUnlock on Windows).
// Errors are *OpError values.
func (m *Map) Unlock() error {
	return m.lockOp("unlock", region.unlock)
}

func (m *Map) lockOp(op string, fn func(region, int, int) error) error {
	if err := m.enter(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if len(m.data) == 0 {
		return nil
	}
	err := fn(m.res.reg, 0, m.res.reg.size)
	if err != nil && m.res.file != nil && lockFault(err) {
		err = m.kernelFault(op, 0) // a page that could not be read in
	}
	if err := m.sysFault(op, 0, err); err != nil {
		return opError(op, err)
	}
	return nil
}
