module github.com/mmapkit/mmap

// go 1.24: range-over-func iterators need 1.23 and runtime.AddCleanup 1.24.
// .ci/run builds and tests the library with that toolchain too.
go 1.24.0

require golang.org/x/sys v0.41.0
