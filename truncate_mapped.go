//go:build !windows

package mmap

// truncateWhileMapped: ftruncate may cut a file under its mappings (the
// pages past the new end fault), so Resize shrinks the map first and keeps
// its pages (mremap on Linux).
const truncateWhileMapped = true
