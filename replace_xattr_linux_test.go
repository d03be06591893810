package mmap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// posixACL encodes a POSIX access ACL as the kernel stores it in the
// system.posix_acl_access attribute (what setfacl writes): version 2, then
// (tag, perm, id) entries sorted by tag.
func posixACL(entries ...[3]uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 2)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, uint16(e[0]))
		b = binary.LittleEndian.AppendUint16(b, uint16(e[1]))
		b = binary.LittleEndian.AppendUint32(b, e[2])
	}
	return b
}

const noID = 0xFFFFFFFF

// TestSafeReplaceKeepsXattrsAndACL: a POSIX ACL granting a named user
// read access, and user.* attributes, survive WithSafeReplace, and the
// group bits stay the ACL's mask, not widened.
func TestSafeReplaceKeepsXattrsAndACL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	putFile(t, path, []byte("ab ab"), 0o640)
	acl := posixACL(
		[3]uint32{0x01, 6, noID}, // user::rw-
		[3]uint32{0x02, 4, 1234}, // user:1234:r--
		[3]uint32{0x04, 0, noID}, // group::---
		[3]uint32{0x10, 4, noID}, // mask::r--
		[3]uint32{0x20, 0, noID}, // other::---
	)
	if err := unix.Setxattr(path, "system.posix_acl_access", acl, 0); err != nil {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) {
			t.Skip("no POSIX ACLs here:", err)
		}
		t.Fatal(err)
	}
	attrs := map[string][]byte{"user.origin": []byte("test"), "user.empty": {}}
	for k, v := range attrs {
		if err := unix.Setxattr(path, k, v, 0); err != nil {
			t.Skip("no user xattrs here:", err)
		}
	}
	attrs["system.posix_acl_access"] = acl
	safeReplaceSameMode(t, path)
	for k, v := range attrs {
		got := make([]byte, 256)
		n, err := unix.Getxattr(path, k, got)
		if err != nil || !bytes.Equal(got[:n], v) {
			t.Errorf("%s = %x, %v; want %x", k, got[:max(n, 0)], err, v)
		}
	}
}
