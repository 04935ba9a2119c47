package checker

import (
	"math/bits"
	"unsafe"
)

// The store keeps the states found so far, in discovery order, with a
// parent link and the number of the transition that produced each one, and
// a visited set over them.
//
// Memory per state in exact mode is the packed state (8 bytes per word, two
// words for the reference model), 4 bytes of parent, 1 byte of choice, and
// a 4-byte slot of the open-addressing table at a load factor between 3/8
// and 3/4: 26 to 32 bytes for the reference model. States are kept in
// fixed-size chunks so that growth never copies them and never leaves half
// of a doubled slice unused.
//
// A parallel search can shard this structure by hash: the table holds only
// indices, and the chunks are append-only.

const (
	chunkShift = 12
	chunkSize  = 1 << chunkShift
	chunkMask  = chunkSize - 1
	// noParent marks the initial state.
	noParent = ^uint32(0)
	// maxStates is the most states a store can index (uint32 indices, one
	// reserved).
	maxStates = 1<<32 - 2
)

type store struct {
	words       int
	fingerprint bool
	chunks      [][]uint64 // packed states (exact mode keeps all of them)
	parents     [][]uint32
	choices     [][]uint8
	n           int
	// exact mode: a slot holds index+1 in its low idxBits bits (0 is
	// empty) and, above them, a tag of the state's hash, so that most
	// probes that miss never read the stored state (a cache miss each).
	slots   []uint32
	idxBits uint
	// fingerprint mode: slot holds the state's 64-bit hash, with 0 mapped
	// to 1 so that 0 means empty.
	fps  []uint64
	mask uint64
	// released counts leading chunks freed in fingerprint mode.
	released int
	// mem holds the chunks of packed states; slotMap is the mapping
	// behind slots, if it is not on the Go heap.
	mem     arena
	slotMap []byte
	// fingerprint mode: chunkMaps are the mappings behind the chunks,
	// unmapped as the chunks are released; fpMap is the one behind fps.
	chunkMaps [][]byte
	fpMap     []byte
	// limit, if positive, is the most bytes the store may hold, counting
	// a growing table's old and new slots together: a growth or a new
	// chunk that would pass it is not made, and full is set instead, for
	// the search to stop with the memory bound. peak is the most bytes
	// the store held, growths included.
	limit int64
	full  bool
	peak  int64
}

// free returns the store's mapped memory; the store is unusable after.
func (s *store) free() {
	s.mem.free()
	if s.slotMap != nil {
		unmapHuge(s.slotMap)
		s.slotMap = nil
	}
	for _, m := range s.chunkMaps {
		if m != nil {
			unmapHuge(m)
		}
	}
	if s.fpMap != nil {
		unmapHuge(s.fpMap)
		s.fpMap = nil
	}
	s.chunkMaps, s.fps = nil, nil
	s.chunks, s.slots = nil, nil
}

func newStore(words int, fingerprint bool, limit int64) *store {
	s := &store{words: words, fingerprint: fingerprint, limit: limit}
	const initial = 1 << 10
	if fingerprint {
		s.fps = make([]uint64, initial)
	} else {
		s.slots = make([]uint32, initial)
	}
	s.mask = initial - 1
	s.idxBits = 10
	return s
}

// hashKey mixes the packed words into 64 bits (a splitmix64 finaliser per
// word). It has no seed: the same state hashes the same in every run.
func hashKey(k *[maxWords]uint64, words int) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for i := 0; i < words; i++ {
		h ^= k[i]
		h = bits.RotateLeft64(h, 29) * 0xbf58476d1ce4e5b9
		h ^= h >> 32
		h *= 0x94d049bb133111eb
		h ^= h >> 29
	}
	return h
}

func (s *store) key(i int, out *[maxWords]uint64) {
	c := s.chunks[i>>chunkShift]
	off := (i & chunkMask) * s.words
	for j := 0; j < s.words; j++ {
		out[j] = c[off+j]
	}
}

func (s *store) equal(i int, k *[maxWords]uint64) bool {
	c := s.chunks[i>>chunkShift]
	off := (i & chunkMask) * s.words
	for j := 0; j < s.words; j++ {
		if c[off+j] != k[j] {
			return false
		}
	}
	return true
}

// insert adds the state if it is new and reports its index and whether it
// was new.
func (s *store) insert(k *[maxWords]uint64, parent uint32, choice uint8) (int, bool) {
	return s.insertHashed(k, hashKey(k, s.words), parent, choice)
}

// slotAddr returns the address of the first slot a state with hash h
// probes, for prefetching.
func (s *store) slotAddr(h uint64) uintptr {
	if s.fingerprint {
		return uintptr(unsafe.Pointer(&s.fps[(h|1)&s.mask]))
	}
	return uintptr(unsafe.Pointer(&s.slots[h&s.mask]))
}

// stateAddrs appends to addrs, in exact mode, the address of the stored
// state each lookup of the batch will compare first: the one its probe
// sequence's first tag match points at, as far as the cache line that
// slotAddr fetched reaches. That state is the next miss the lookup would
// take. A false tag match (one in 2^tag bits) only costs a wasted fetch.
func (s *store) stateAddrs(batch []pending, addrs []uintptr) []uintptr {
	if s.fingerprint {
		return addrs
	}
	idxMask := uint32(1)<<s.idxBits - 1
	const lineSlots = 16 // 4-byte slots in a 64-byte cache line
	for b := range batch {
		h := batch[b].h
		tag := s.tag(h)
		i := h & s.mask
		end := min(i|(lineSlots-1), s.mask)
		for ; i <= end; i++ {
			v := s.slots[i]
			if v == 0 {
				break
			}
			if v&^idxMask == tag {
				j := int(v&idxMask - 1)
				addrs = append(addrs, uintptr(unsafe.Pointer(&s.chunks[j>>chunkShift][(j&chunkMask)*s.words])))
				break
			}
		}
	}
	return addrs
}

// has reports whether a state with key k and hash h is stored.
func (s *store) has(k *[maxWords]uint64, h uint64) bool {
	if s.fingerprint {
		fp := h | 1
		for i := fp & s.mask; ; i = (i + 1) & s.mask {
			switch s.fps[i] {
			case 0:
				return false
			case fp:
				return true
			}
		}
	}
	_, ok := s.lookup(k)
	return ok
}

func (s *store) insertHashed(k *[maxWords]uint64, h uint64, parent uint32, choice uint8) (int, bool) {
	if s.fingerprint {
		fp := h | 1 // 0 marks an empty slot; grow re-places by fp too
		for i := fp & s.mask; ; i = (i + 1) & s.mask {
			switch s.fps[i] {
			case 0:
				s.fps[i] = fp
				return s.append(k, parent, choice), true
			case fp:
				return -1, false
			}
		}
	}
	tag := s.tag(h)
	idxMask := uint32(1)<<s.idxBits - 1
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		v := s.slots[i]
		if v == 0 {
			mask := s.mask
			idx := s.append(k, parent, choice)
			if s.mask == mask {
				s.slots[i] = tag | uint32(idx+1)
			} else {
				s.place(h, idx) // the table grew: tag and slot changed
			}
			return idx, true
		}
		if v&^idxMask == tag && s.equal(int(v&idxMask-1), k) {
			return int(v&idxMask - 1), false
		}
	}
}

// tag is the part of a hash stored beside an index in a slot.
func (s *store) tag(h uint64) uint32 {
	if s.idxBits >= 32 {
		return 0
	}
	return uint32(h>>32) &^ (uint32(1)<<s.idxBits - 1)
}

// place stores index idx, whose state hashes to h, in a free slot.
func (s *store) place(h uint64, idx int) {
	i := h & s.mask
	for s.slots[i] != 0 {
		i = (i + 1) & s.mask
	}
	s.slots[i] = s.tag(h) | uint32(idx+1)
}

// lookup returns the index of a stored state (exact mode only).
func (s *store) lookup(k *[maxWords]uint64) (int, bool) {
	h := hashKey(k, s.words)
	tag := s.tag(h)
	idxMask := uint32(1)<<s.idxBits - 1
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		v := s.slots[i]
		if v == 0 {
			return 0, false
		}
		if v&^idxMask == tag && s.equal(int(v&idxMask-1), k) {
			return int(v&idxMask - 1), true
		}
	}
}

func (s *store) append(k *[maxWords]uint64, parent uint32, choice uint8) int {
	idx := s.n
	if idx&chunkMask == 0 {
		if s.fingerprint {
			// Chunks of their own, so that release returns them.
			m := mapHuge(chunkSize * s.words * 8)
			s.chunkMaps = append(s.chunkMaps, m)
			if m != nil {
				s.chunks = append(s.chunks, bytesToWords(m))
			} else {
				s.chunks = append(s.chunks, make([]uint64, chunkSize*s.words))
			}
		} else {
			s.chunks = append(s.chunks, s.mem.words(chunkSize*s.words))
		}
		s.parents = append(s.parents, make([]uint32, chunkSize))
		s.choices = append(s.choices, make([]uint8, chunkSize))
		// bytes walks the chunks: it is read here, once a chunk, and
		// not for every state.
		s.peak = max(s.peak, s.bytes())
		if s.limit > 0 && s.bytes()+s.chunkBytes() > s.limit {
			// No room for the next chunk: the search stops now, while
			// this one holds the states of the batch being inserted.
			s.full = true
		}
	}
	c := s.chunks[idx>>chunkShift]
	off := (idx & chunkMask) * s.words
	for j := 0; j < s.words; j++ {
		c[off+j] = k[j]
	}
	s.parents[idx>>chunkShift][idx&chunkMask] = parent
	s.choices[idx>>chunkShift][idx&chunkMask] = choice
	s.n++
	if uint64(s.n)*4 > (s.mask+1)*3 && !s.full {
		// While the table grows, the old slots and the new are held
		// together.
		if s.limit > 0 && s.bytes()+s.tableBytes()*2 > s.limit {
			s.full = true
		} else {
			s.peak = max(s.peak, s.bytes()+s.tableBytes()*2)
			s.grow()
		}
	}
	return idx
}

// tableBytes is the size of the visited set's table.
func (s *store) tableBytes() int64 {
	return int64(cap(s.slots))*4 + int64(cap(s.fps))*8
}

// chunkBytes is the size of a new chunk of states with their parents.
func (s *store) chunkBytes() int64 {
	return int64(chunkSize) * (int64(s.words)*8 + 5)
}

func (s *store) grow() {
	size := (s.mask + 1) * 2
	s.mask = size - 1
	if s.fingerprint {
		old, oldMap := s.fps, s.fpMap
		s.fps, s.fpMap = table64(int(size))
		defer func() {
			if oldMap != nil {
				unmapHuge(oldMap)
			}
		}()
		for _, fp := range old {
			if fp != 0 {
				i := fp & s.mask
				for s.fps[i] != 0 {
					i = (i + 1) & s.mask
				}
				s.fps[i] = fp
			}
		}
		return
	}
	old := s.slotMap
	s.slots, s.slotMap = table32(int(size))
	if old != nil {
		unmapHuge(old)
	}
	s.idxBits++
	// The states are rehashed in blocks: hash a block and prefetch the
	// slots it will take while the previous block is placed, so that the
	// random writes overlap instead of missing the cache one by one. The
	// state being appended (index n-1) is placed by insert.
	const block = 256
	var k [maxWords]uint64
	var hs [2][block]uint64
	addrs := make([]uintptr, 0, block)
	last := s.n - 1
	for start, b := 0, 0; start < last+block; start, b = start+block, b^1 {
		addrs = addrs[:0]
		for idx := start; idx < min(start+block, last); idx++ {
			s.key(idx, &k)
			h := hashKey(&k, s.words)
			hs[b][idx-start] = h
			addrs = append(addrs, s.slotAddr(h))
		}
		prefetch(addrs)
		if prev := start - block; prev >= 0 {
			for idx := prev; idx < min(start, last); idx++ {
				s.place(hs[b^1][idx-prev], idx)
			}
		}
	}
}

func (s *store) parent(i int) (uint32, uint8) {
	return s.parents[i>>chunkShift][i&chunkMask], s.choices[i>>chunkShift][i&chunkMask]
}

// release frees the packed states of chunks wholly below index i; only
// fingerprint mode may do this, since its visited set does not read them.
func (s *store) release(i int) {
	for ; s.released < i>>chunkShift; s.released++ {
		s.chunks[s.released] = nil
		if m := s.chunkMaps[s.released]; m != nil {
			unmapHuge(m)
			s.chunkMaps[s.released] = nil
		}
	}
}

// bytes is the memory the store holds, in bytes.
func (s *store) bytes() int64 {
	var b int64
	for _, c := range s.chunks {
		b += int64(cap(c)) * 8
	}
	b += int64(len(s.parents)) * chunkSize * 5
	b += int64(cap(s.slots))*4 + int64(cap(s.fps))*8
	return b
}
