package checker

import "unsafe"

// The visited set and the state chunks are large, pointer-free and
// probed at random. With 4 KiB pages nearly every probe of a
// gigabyte-sized store also misses the TLB; memory taken from anonymous
// mappings advised to use transparent huge pages avoids most of those
// misses. Small allocations stay on the Go heap. Only Linux has such
// mappings (hugemem_linux.go); on other systems mapHuge returns nil and
// every table comes from the Go heap, which changes the speed of a search
// but nothing it finds.

// arena hands out zeroed word slices carved from huge-page mappings.
type arena struct {
	regions [][]byte
	cur     []uint64
}

const (
	arenaRegion = 32 << 20 // bytes per mapping
	hugeMin     = 4 << 20  // smaller tables stay on the heap
)

func bytesToWords(b []byte) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8)
}

func bytesToUint32s(b []byte) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// words returns n zeroed words.
func (a *arena) words(n int) []uint64 {
	if n*8 > arenaRegion {
		return make([]uint64, n)
	}
	if len(a.cur) < n {
		r := mapHuge(arenaRegion)
		if r == nil {
			return make([]uint64, n)
		}
		a.regions = append(a.regions, r)
		a.cur = bytesToWords(r)
	}
	out := a.cur[:n:n]
	a.cur = a.cur[n:]
	return out
}

// free unmaps every region; no slice handed out may be used afterwards.
func (a *arena) free() {
	for _, r := range a.regions {
		unmapHuge(r)
	}
	a.regions, a.cur = nil, nil
}

// table32 returns a zeroed slot table of n entries, from a huge-page
// mapping when it is large, and the mapping to unmap later (or nil).
func table32(n int) ([]uint32, []byte) {
	if n*4 >= hugeMin {
		if b := mapHuge(n * 4); b != nil {
			return bytesToUint32s(b), b
		}
	}
	return make([]uint32, n), nil
}

// table64 is table32 for a table of 64-bit slots.
func table64(n int) ([]uint64, []byte) {
	if n*8 >= hugeMin {
		if b := mapHuge(n * 8); b != nil {
			return bytesToWords(b), b
		}
	}
	return make([]uint64, n), nil
}
