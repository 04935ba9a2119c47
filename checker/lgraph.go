package checker

import (
	"math/bits"
	"sort"
)

// stateBits is a set of state indices.
type stateBits []uint64

func newStateBits(n int) stateBits    { return make(stateBits, (n+63)/64) }
func (b stateBits) get(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b stateBits) set(i uint32)      { b[i>>6] |= 1 << (i & 63) }
func (b stateBits) clear(i uint32)    { b[i>>6] &^= 1 << (i & 63) }
func (b stateBits) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// lgraph is the reachable graph in compressed sparse row form, which is
// what the liveness check decides on. The edges of state v are off[v] to
// off[v+1]-1, in the order successor generation enumerates them, so edge e
// of v is the choice e-off[v] that Trace replay needs.
//
// Memory: a uint32 offset and a label per state and, per edge, a uint32
// target and a label; the decomposition (livenessSolver) adds about 20
// bytes of uint32 arrays per state. The edges are regenerated from the
// stored states after the search (buildLivenessGraph), so the safety
// search keeps nothing for liveness.
type lgraph struct {
	n   int
	off []uint32
	tgt []uint32
	// lab is each edge's fairness label (transitionLabel).
	lab []label
	// en is, per state, the union of its edges' labels: the pairs enabled
	// there.
	en []label
}

// source returns the state an edge leaves.
func (g *lgraph) source(e uint32) uint32 {
	return uint32(sort.Search(g.n, func(v int) bool { return g.off[v+1] > e }))
}

// selfLoop reports whether v has an edge to itself.
func (g *lgraph) selfLoop(v uint32) bool {
	for e := g.off[v]; e < g.off[v+1]; e++ {
		if g.tgt[e] == v {
			return true
		}
	}
	return false
}

// sccFinder is an iterative Tarjan over subgraphs of an lgraph. index and
// low are 0 for a state not yet visited in the current run; the caller
// resets index of the states it is about to decompose.
type sccFinder struct {
	g          *lgraph
	index, low []uint32
	onStack    stateBits
	stack      []uint32
	calls      []sccFrame
	counter    uint32
}

type sccFrame struct{ v, e uint32 }

func newSCCFinder(g *lgraph) *sccFinder {
	return &sccFinder{g: g, index: make([]uint32, g.n), low: make([]uint32, g.n), onStack: newStateBits(g.n)}
}

func (f *sccFinder) push(v uint32) {
	f.counter++
	f.index[v], f.low[v] = f.counter, f.counter
	f.stack = append(f.stack, v)
	f.onStack.set(v)
	f.calls = append(f.calls, sccFrame{v, f.g.off[v]})
}

// visit decomposes the part of the subgraph induced by in that is
// reachable from root (if root is not yet visited), calling emit for each
// component, sinks first. The members slice is only valid during emit.
func (f *sccFinder) visit(root uint32, in func(uint32) bool, emit func(members []uint32)) {
	if f.index[root] != 0 {
		return
	}
	f.push(root)
	for len(f.calls) > 0 {
		fr := &f.calls[len(f.calls)-1]
		v := fr.v
		if fr.e < f.g.off[v+1] {
			w := f.g.tgt[fr.e]
			fr.e++
			if !in(w) {
				continue
			}
			if f.index[w] == 0 {
				f.push(w)
			} else if f.onStack.get(w) && f.index[w] < f.low[v] {
				f.low[v] = f.index[w]
			}
			continue
		}
		f.calls = f.calls[:len(f.calls)-1]
		if len(f.calls) > 0 {
			if u := f.calls[len(f.calls)-1].v; f.low[v] < f.low[u] {
				f.low[u] = f.low[v]
			}
		}
		if f.low[v] == f.index[v] {
			i := len(f.stack) - 1
			for f.stack[i] != v {
				i--
			}
			members := f.stack[i:]
			for _, m := range members {
				f.onStack.clear(m)
			}
			emit(members)
			f.stack = f.stack[:i]
		}
	}
}
