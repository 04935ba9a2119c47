//go:build amd64 || arm64

package checker

// prefetch asks the processor to start loading the cache line at each
// address without waiting for it. It is a hint: it never faults, and an
// address that is stale or invalid only wastes the load. Unlike an
// ordinary load, a prefetch retires at once, so the search can issue the
// visited-set lookups of one state's successors and go on generating the
// next state's while the memory system fetches them.
//
//go:noescape
func prefetch(addrs []uintptr)
