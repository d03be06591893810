package shm

// MaxNameLen is the longest name this platform's segments take: 255
// (NAME_MAX) as in Python on Linux, 31 (PSHMNAMLEN) on darwin, and 249 on
// Windows, where Local\ and the name stay within MAX_PATH.
func MaxNameLen() int { return maxNameLen }
