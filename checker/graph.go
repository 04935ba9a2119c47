package checker

import (
	"errors"
	"fmt"

	"github.com/tcpcheck/tcpcheck/spec"
)

// StateGraph is the reachable part of a model's state space as an explicit
// graph: the worlds in breadth-first order from the initial one, and the
// transitions between them. It is meant for drawing small models; Check is
// the way to search large ones.
type StateGraph struct {
	// Model is the model's name.
	Model string
	// Table is the transition table the model ran on.
	Table *spec.Table
	// States are the worlds found, in breadth-first order; States[0] is
	// the initial world.
	States []World
	// Depth[i] is the length of a shortest path to States[i].
	Depth []int
	// Edges are the transitions between kept states, in the order the
	// search took them.
	Edges []GraphEdge
	// Complete reports whether every reachable state is in States. When
	// it is false, the search stopped at the size cap.
	Complete bool
	// Omitted counts the transitions that lead to a state beyond the cap
	// (zero when Complete), and Partial[i] reports that some of them leave
	// States[i].
	Omitted int
	Partial []bool
}

// GraphEdge is one transition of a StateGraph, between the states with
// indexes From and To.
type GraphEdge struct {
	From, To   int
	Transition Transition
}

// Explore builds the reachable graph of a model by its own breadth-first
// search, keeping at most maxStates states (maxStates must be positive).
// Transitions to states beyond the cap are counted in Omitted, and
// Complete tells whether the cap cut the graph.
func Explore(m Model, maxStates int) (*StateGraph, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	if maxStates < 1 {
		return nil, errors.New("the state cap of a graph must be at least 1")
	}
	mc := newMachine(&m)
	g := &StateGraph{Model: m.Name, Table: m.Table, Complete: true}
	index := map[[maxWords]uint64]int{}
	add := func(w *World, depth int) int {
		var k [maxWords]uint64
		mc.codec.encode(w, &k)
		if i, ok := index[k]; ok {
			return i
		}
		if len(g.States) >= maxStates {
			return -1
		}
		index[k] = len(g.States)
		g.States = append(g.States, *w)
		g.Depth = append(g.Depth, depth)
		g.Partial = append(g.Partial, false)
		return len(g.States) - 1
	}
	w0 := mc.initial()
	add(&w0, 0)
	for cur := 0; cur < len(g.States); cur++ {
		w := g.States[cur]
		depth := g.Depth[cur]
		x := mc.successors(&w, func(t *Transition, nw *World) {
			to := add(nw, depth+1)
			if to < 0 {
				g.Complete = false
				g.Omitted++
				g.Partial[cur] = true
				return
			}
			g.Edges = append(g.Edges, GraphEdge{From: cur, To: to, Transition: *t})
		})
		if x.err != nil {
			return nil, fmt.Errorf("%w: %w", ErrModel, x.err)
		}
	}
	return g, nil
}

// Row returns the table row an edge took, and whether it took one.
func (g *StateGraph) Row(e *GraphEdge) (spec.Row, bool) {
	if e.Transition.Row < 0 || g.Table == nil {
		return spec.Row{}, false
	}
	return g.Table.Row(e.Transition.Row), true
}
