//go:build !linux

package checker

// mapHuge would map n bytes advised to use transparent huge pages, which
// only Linux offers; elsewhere it returns nil, and the arena and the slot
// table take their memory from the Go heap.
func mapHuge(n int) []byte { return nil }

// unmapHuge has nothing to return: mapHuge never maps on this system.
func unmapHuge(b []byte) {}
