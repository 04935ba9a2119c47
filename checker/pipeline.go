package checker

// pending is a successor waiting for its visited-set lookup.
type pending struct {
	key [maxWords]uint64
	h   uint64
	// row is the table row the transition took, or -1.
	row int16
}

// batch is the successors of one expanded state on their way through the
// pipeline.
type batch struct {
	from, depth int
	items       []pending
	// blocked counts the transitions not taken because a channel was full.
	blocked int
	// decided holds what expanding the state decided, applied when the
	// batch is retired.
	decided []decision
	addrs   []uintptr
}

// reset empties the batch, keeping its buffers, for the successors of
// state from at the given depth.
func (b *batch) reset(from, depth int) {
	b.from, b.depth = from, depth
	b.items, b.decided, b.addrs = b.items[:0], b.decided[:0], b.addrs[:0]
}

// decision is a property broken while expanding a state: by the
// transition numbered choice, or, when choice is -1, by the state itself
// having no successor.
type decision struct {
	prop, choice int
}

// pipeline holds the batches of expanded states whose successors are not
// yet inserted, oldest first (see explorer.run), and the retired batches
// kept for reuse.
type pipeline struct {
	batches, spare []*batch
	// lag is how many expanded states wait for their inserts; probeAt is
	// how far from the newest one a batch is probed.
	lag, probeAt int
}

func newPipeline(opt Options) *pipeline {
	pl := &pipeline{lag: 4, probeAt: 3}
	if opt.Strategy == DFS || opt.unpipelined {
		// Depth-first order takes the newest state next, so its successors
		// must be inserted before the next state is chosen.
		pl.lag = 0
	}
	return pl
}

// get returns an empty batch, a retired one when there is one.
func (pl *pipeline) get() *batch {
	if n := len(pl.spare); n > 0 {
		b := pl.spare[n-1]
		pl.spare = pl.spare[:n-1]
		return b
	}
	return &batch{items: make([]pending, 0, 64)}
}

// push adds the batch of a newly expanded state, probes the batch that has
// reached probeAt, and retires the oldest once more than lag wait. It
// reports false if the search must stop.
func (pl *pipeline) push(e *explorer, b *batch) bool {
	pl.batches = append(pl.batches, b)
	if n := len(pl.batches); n >= pl.probeAt {
		e.probe(pl.batches[n-pl.probeAt])
	} else if pl.lag == 0 {
		e.probe(b)
	}
	if len(pl.batches) > pl.lag {
		return pl.retireFirst(e)
	}
	return true
}

// retireFirst retires the oldest batch; it reports false if the search
// must stop.
func (pl *pipeline) retireFirst(e *explorer) bool {
	b := pl.batches[0]
	copy(pl.batches, pl.batches[1:])
	pl.batches = pl.batches[:len(pl.batches)-1]
	pl.spare = append(pl.spare, b)
	return e.retire(b)
}

// drain inserts every batch in the pipeline; it reports false if the
// search must stop.
func (pl *pipeline) drain(e *explorer) bool {
	for _, b := range pl.batches {
		e.probe(b)
	}
	for len(pl.batches) > 0 {
		if !pl.retireFirst(e) {
			return false
		}
	}
	return true
}

// probe reads the slots a batch's successors probe first, fetched by
// expand, and asks the processor to fetch the states whose tags match.
func (e *explorer) probe(b *batch) {
	b.addrs = e.st.stateAddrs(b.items, b.addrs[:0])
	prefetch(b.addrs)
}
