//go:build linux

package checker

import "syscall"

// mapHuge maps n zeroed bytes, advised to use huge pages, or returns nil.
func mapHuge(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil
	}
	// The advice is a hint: a kernel without transparent huge pages
	// refuses it, and the mapping works as it is.
	_ = syscall.Madvise(b, 14 /* MADV_HUGEPAGE */)
	return b
}

// unmapHuge returns a mapping made by mapHuge to the kernel.
func unmapHuge(b []byte) { _ = syscall.Munmap(b) }
