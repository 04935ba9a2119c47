package properties

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// This file type-checks a formula's syntax tree and compiles it to
// closures. Every compiled function has the shape of fn below: the world
// before a step, the world after it and the transition. A state predicate
// is called with the same world twice and no transition; the compiler
// refuses step variables outside step invariants, so the transition is
// never read there. Sides, quantifiers and literals are resolved at
// compile time, so evaluating a formula is a handful of closure calls with
// no allocation and no lookup by name.

type (
	world = checker.World
	trans = checker.Transition
	// boolFn and intFn are compiled expressions. Enumerations (states,
	// endings, sides, actions, calls) are compiled to intFn.
	boolFn  func(b, a *world, t *trans) bool
	intFn   func(b, a *world, t *trans) int
	flagsFn func(b, a *world, t *trans) spec.Flags
)

// typ is the static type of an expression.
type typ uint8

const (
	tyBool typ = iota
	tyInt
	tyState
	tyEnding
	tySide
	tyFlags
	tyAction
	tyCall
	tySeqClass
	tyAckClass
)

var typNames = [...]string{"a truth value", "a number", "a state", "an ending", "a side", "a set of flags", "an action", "a call", "a sequence class", "an acknowledgment class"}

func (t typ) String() string { return typNames[t] }

// val is a compiled expression of some type. Exactly one of b, i and f is
// set, according to ty. A constant also has konst set and its value in k
// (and i returns it).
type val struct {
	ty    typ
	b     boolFn
	i     intFn
	f     flagsFn
	konst bool
	k     int
}

func constInt(ty typ, k int) val {
	return val{ty: ty, konst: true, k: k, i: func(*world, *world, *trans) int { return k }}
}

func constBool(k bool) val {
	v := val{ty: tyBool, konst: true, b: func(*world, *world, *trans) bool { return k }}
	if k {
		v.k = 1
	}
	return v
}

// mode says where a formula is used, which decides what it may read.
type mode uint8

const (
	// stateMode: a predicate on one world.
	stateMode mode = iota
	// stepMode: a predicate on a transition, which may read step.* and
	// before.*.
	stepMode
)

// compiler holds the scope of one compilation.
type compiler struct {
	mode mode
	// vars binds quantified variables to sides.
	vars map[string]checker.Side
	// capacity is the model's channel capacity, which "full" compares
	// with.
	capacity int
}

func (c *compiler) errf(pos int, format string, args ...any) *exprError {
	return &exprError{pos, fmt.Sprintf(format, args...)}
}

// compilePred compiles a formula to a predicate of the given mode.
func compilePred(n node, m mode, model *checker.Model) (boolFn, *exprError) {
	c := &compiler{mode: m, vars: map[string]checker.Side{}, capacity: model.Net.Capacity}
	v, err := c.expr(n, nil)
	if err != nil {
		return nil, err
	}
	if v.ty != tyBool {
		return nil, c.errf(n.at(), "the formula is %s, not a truth value (did you mean to compare it with something?)", v.ty)
	}
	return v.b, nil
}

// statePred wraps a compiled predicate as a predicate on worlds.
func statePred(f boolFn) func(*world) bool {
	return func(w *world) bool { return f(w, w, nil) }
}

// stepPred wraps a compiled predicate as a step predicate.
func stepPred(f boolFn) func(b *world, t *trans, a *world) bool {
	return func(b *world, t *trans, a *world) bool { return f(b, a, t) }
}

// expr compiles n. want, if not nil, is the type a bare literal name
// should be read as.
func (c *compiler) expr(n node, want *typ) (val, *exprError) {
	switch n := n.(type) {
	case *parenExpr:
		return c.expr(n.x, want)
	case *numLit:
		return constInt(tyInt, n.v), nil
	case *notExpr:
		x, err := c.boolean(n.x, "!")
		if err != nil {
			return val{}, err
		}
		if x.konst {
			return constBool(x.k == 0), nil
		}
		f := x.b
		return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return !f(b, a, t) }}, nil
	case *binExpr:
		return c.binary(n)
	case *inExpr:
		return c.in(n)
	case *hasExpr:
		return c.has(n)
	case *quantExpr:
		return c.quant(n)
	case *callExpr:
		return c.call(n)
	case *pathExpr:
		return c.path(n, want)
	case *arrowExpr:
		return val{}, c.errf(n.pos, `a direction such as A->B is only an argument of inflight()`)
	case *flagsExpr:
		return val{}, c.errf(n.at(), `a flag list such as SYN+ACK is only an argument of inflight() or "has"`)
	}
	return val{}, c.errf(n.at(), "unsupported expression")
}

// boolean compiles n and requires a truth value, as the operand of op.
func (c *compiler) boolean(n node, op string) (val, *exprError) {
	t := tyBool
	v, err := c.expr(n, &t)
	if err != nil {
		return val{}, err
	}
	if v.ty != tyBool {
		return val{}, c.errf(n.at(), "the operand of %q must be a truth value, not %s", op, v.ty)
	}
	return v, nil
}

func (c *compiler) binary(n *binExpr) (val, *exprError) {
	switch n.op {
	case tAnd, tOr, tImplies:
		op := strings.Trim(tokNames[n.op], `"`)
		l, err := c.boolean(n.l, op)
		if err != nil {
			return val{}, err
		}
		r, err := c.boolean(n.r, op)
		if err != nil {
			return val{}, err
		}
		lf, rf := l.b, r.b
		switch n.op {
		case tAnd:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) && rf(b, a, t) }}, nil
		case tOr:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) || rf(b, a, t) }}, nil
		default:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return !lf(b, a, t) || rf(b, a, t) }}, nil
		}
	}
	return c.compare(n)
}

// isBareName reports whether n is a single name that is not a variable:
// a literal whose type the other operand decides.
func (c *compiler) isBareName(n node) bool {
	for {
		p, ok := n.(*parenExpr)
		if !ok {
			break
		}
		n = p.x
	}
	p, ok := n.(*pathExpr)
	if !ok || len(p.parts) != 1 {
		return false
	}
	_, bound := c.vars[p.parts[0].name]
	_, global := globals[p.parts[0].name]
	return !bound && !global && p.parts[0].name != "A" && p.parts[0].name != "B"
}

func (c *compiler) compare(n *binExpr) (val, *exprError) {
	op := strings.Trim(tokNames[n.op], `"`)
	var l, r val
	var err *exprError
	if c.isBareName(n.l) && !c.isBareName(n.r) {
		if r, err = c.expr(n.r, nil); err != nil {
			return val{}, err
		}
		if l, err = c.expr(n.l, &r.ty); err != nil {
			return val{}, err
		}
	} else {
		if l, err = c.expr(n.l, nil); err != nil {
			return val{}, err
		}
		if r, err = c.expr(n.r, &l.ty); err != nil {
			return val{}, err
		}
	}
	if l.ty != r.ty {
		return val{}, c.errf(n.pos, "cannot compare %s with %s", l.ty, r.ty)
	}
	switch l.ty {
	case tyBool:
		if n.op != tEq && n.op != tNe {
			return val{}, c.errf(n.pos, "truth values can only be compared with == and !=")
		}
		lf, rf := l.b, r.b
		if n.op == tEq {
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) == rf(b, a, t) }}, nil
		}
		return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) != rf(b, a, t) }}, nil
	case tyFlags:
		return val{}, c.errf(n.pos, `flags are tested with "has", as in step.sent has RST`)
	case tyInt:
	default:
		if n.op != tEq && n.op != tNe {
			return val{}, c.errf(n.pos, "%s can only be compared with == and != (%s has no order)", l.ty, op)
		}
	}
	if l.konst && r.konst {
		return constBool(cmpInts(n.op, l.k, r.k)), nil
	}
	lf, rf := l.i, r.i
	if r.konst {
		k := r.k
		switch n.op {
		case tEq:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) == k }}, nil
		case tNe:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) != k }}, nil
		case tLt:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) < k }}, nil
		case tLe:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) <= k }}, nil
		case tGt:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) > k }}, nil
		case tGe:
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return lf(b, a, t) >= k }}, nil
		}
	}
	o := n.op
	return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return cmpInts(o, lf(b, a, t), rf(b, a, t)) }}, nil
}

func cmpInts(op tokKind, x, y int) bool {
	switch op {
	case tEq:
		return x == y
	case tNe:
		return x != y
	case tLt:
		return x < y
	case tLe:
		return x <= y
	case tGt:
		return x > y
	}
	return x >= y
}

// Named state sets.
var stateSets = map[string]func(spec.State) bool{
	"synchronized":   spec.State.Synchronized,
	"unsynchronized": func(s spec.State) bool { return !s.Synchronized() },
	"open":           spec.State.Open,
	"fin_sent":       spec.State.FinSent,
	"has_tcb":        spec.State.HasTCB,
	"knows_irs":      spec.State.KnowsIRS,
}

func stateSetNames() []string {
	var out []string
	for k := range stateSets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *compiler) in(n *inExpr) (val, *exprError) {
	x, err := c.expr(n.x, nil)
	if err != nil {
		return val{}, err
	}
	var mask uint32
	switch x.ty {
	case tyState:
		for _, it := range n.items {
			if set, ok := stateSets[normName(it.name)]; ok {
				for _, s := range spec.AllStates() {
					if set(s) {
						mask |= 1 << s
					}
				}
				continue
			}
			if !n.brace {
				return val{}, c.errf(it.pos, "unknown state set %q%s (a set of states is written in braces, as in {CLOSED, LISTEN})", it.name, suggest(normName(it.name), stateSetNames()))
			}
			s, err := c.state(it)
			if err != nil {
				return val{}, err
			}
			mask |= 1 << s
		}
	case tyEnding, tyAction, tyCall, tySide, tySeqClass, tyAckClass:
		if !n.brace {
			return val{}, c.errf(n.items[0].pos, "expected a set in braces after \"in\", as in {reset, refused}")
		}
		for _, it := range n.items {
			k, err := c.literal(it, x.ty)
			if err != nil {
				return val{}, err
			}
			mask |= 1 << k
		}
	default:
		return val{}, c.errf(n.pos, `"in" tests a state, an ending, a side, an action, a call or a class, not %s`, x.ty)
	}
	if x.konst {
		return constBool(mask&(1<<x.k) != 0), nil
	}
	f := x.i
	return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return mask&(1<<f(b, a, t)) != 0 }}, nil
}

func (c *compiler) has(n *hasExpr) (val, *exprError) {
	x, err := c.expr(n.x, nil)
	if err != nil {
		return val{}, err
	}
	if x.ty != tyFlags {
		return val{}, c.errf(n.pos, `"has" tests the flags of step.received or step.sent, not %s`, x.ty)
	}
	fl, err := c.flagList(n.flags)
	if err != nil {
		return val{}, err
	}
	f := x.f
	return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return f(b, a, t).Has(fl) }}, nil
}

var flagNames = []struct {
	name string
	f    spec.Flags
}{{"SYN", spec.SYN}, {"ACK", spec.ACK}, {"FIN", spec.FIN}, {"RST", spec.RST}, {"DATA", spec.Data}}

func parseFlag(name string) (spec.Flags, bool) {
	for _, fn := range flagNames {
		if strings.EqualFold(fn.name, name) {
			return fn.f, true
		}
	}
	return 0, false
}

func flagNameList() []string {
	var out []string
	for _, fn := range flagNames {
		out = append(out, fn.name)
	}
	return out
}

func (c *compiler) flagList(ids []ident) (spec.Flags, *exprError) {
	var f spec.Flags
	for _, id := range ids {
		g, ok := parseFlag(id.name)
		if !ok {
			return 0, c.errf(id.pos, "unknown flag %q%s", id.name, suggestFold(id.name, flagNameList()))
		}
		f |= g
	}
	return f, nil
}

func (c *compiler) quant(n *quantExpr) (val, *exprError) {
	name := n.v.name
	if name == "A" || name == "B" || globals[name] != nil || name == "step" || name == "before" {
		return val{}, c.errf(n.v.pos, "%q is a reserved name; choose another variable name, such as X", name)
	}
	if _, ok := c.vars[name]; ok {
		return val{}, c.errf(n.v.pos, "variable %q is already bound by an enclosing quantifier", name)
	}
	defer delete(c.vars, name)
	var fs [2]boolFn
	var ks [2]val
	for s := checker.A; s <= checker.B; s++ {
		c.vars[name] = s
		v, err := c.boolean(n.body, map[bool]string{true: "forall", false: "exists"}[n.all])
		if err != nil {
			return val{}, err
		}
		fs[s], ks[s] = v.b, v
	}
	if ks[0].konst && ks[1].konst {
		if n.all {
			return constBool(ks[0].k == 1 && ks[1].k == 1), nil
		}
		return constBool(ks[0].k == 1 || ks[1].k == 1), nil
	}
	fa, fb := fs[0], fs[1]
	if n.all {
		return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return fa(b, a, t) && fb(b, a, t) }}, nil
	}
	return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return fa(b, a, t) || fb(b, a, t) }}, nil
}

// normName folds '-' to '_' so that field and set names may be written
// either way.
func normName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// globalFn compiles a global name; before selects the world before the
// step.
type globalFn func(c *compiler, before bool) val

// globals are the names that stand for something about the whole world.
var globals = map[string]globalFn{
	"quiescent": func(_ *compiler, before bool) val {
		return worldBool(before, func(w *world) bool { return w.Quiescent() })
	},
	"settled": func(_ *compiler, before bool) val {
		return worldBool(before, settled)
	},
	"full": func(c *compiler, before bool) val {
		capacity := uint8(c.capacity)
		return worldBool(before, func(w *world) bool { return w.Net[0].N >= capacity || w.Net[1].N >= capacity })
	},
	"lost": func(_ *compiler, before bool) val {
		return worldInt(before, tyInt, func(w *world) int { return int(w.Lost) })
	},
	"duplicated": func(_ *compiler, before bool) val {
		return worldInt(before, tyInt, func(w *world) int { return int(w.Duplicated) })
	},
	"true":  func(*compiler, bool) val { return constBool(true) },
	"false": func(*compiler, bool) val { return constBool(false) },
}

func globalNames() []string {
	var out []string
	for k := range globals {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// settled reports that nothing is in flight and neither endpoint waits for
// an acknowledgment: no segment can arrive and no retransmission can
// happen, so only users and the 2MSL timer can change anything.
func settled(w *world) bool {
	return w.Quiescent() && !w.E[0].TCB.Outstanding() && !w.E[1].TCB.Outstanding()
}

func worldBool(before bool, f func(*world) bool) val {
	if before {
		return val{ty: tyBool, b: func(b, _ *world, _ *trans) bool { return f(b) }}
	}
	return val{ty: tyBool, b: func(_, a *world, _ *trans) bool { return f(a) }}
}

func worldInt(before bool, ty typ, f func(*world) int) val {
	if before {
		return val{ty: ty, i: func(b, _ *world, _ *trans) int { return f(b) }}
	}
	return val{ty: ty, i: func(_, a *world, _ *trans) int { return f(a) }}
}

// sideRef is a side known at compile time, or read from the step.
type sideRef struct {
	konst bool
	s     checker.Side
	dyn   intFn
}

// path compiles a dotted name.
func (c *compiler) path(n *pathExpr, want *typ) (val, *exprError) {
	parts := n.parts
	before := false
	head := parts[0]
	switch head.name {
	case "before":
		if c.mode != stepMode {
			return val{}, c.errf(head.pos, `"before" is only available in a step-invariant, which looks at one step`)
		}
		if len(parts) == 1 {
			return val{}, c.errf(head.pos, `expected a name after "before.", as in before.A.state`)
		}
		before = true
		parts = parts[1:]
		head = parts[0]
		if head.name == "step" || head.name == "before" {
			return val{}, c.errf(head.pos, "%q cannot follow \"before.\"", head.name)
		}
	case "step":
		if c.mode != stepMode {
			return val{}, c.errf(head.pos, `step variables are only available in a step-invariant, which looks at one step`)
		}
		return c.stepField(parts)
	}
	if g, ok := globals[head.name]; ok {
		if len(parts) > 1 {
			return val{}, c.errf(parts[1].pos, "%q has no fields", head.name)
		}
		return g(c, before), nil
	}
	side, isSide := c.sideName(head.name)
	if !isSide {
		if before {
			return val{}, c.errf(head.pos, "unknown name %q after \"before.\"%s", head.name, suggest(head.name, append([]string{"A", "B"}, globalNames()...)))
		}
		if len(parts) > 1 {
			return val{}, c.errf(head.pos, "unknown name %q%s", head.name, suggest(head.name, c.names()))
		}
		if want == nil {
			return val{}, c.unknownName(head)
		}
		k, err := c.literal(head, *want)
		if err != nil {
			return val{}, err
		}
		return constInt(*want, k), nil
	}
	return c.sideFields(sideRef{konst: true, s: side}, parts[1:], before, head)
}

func (c *compiler) sideName(name string) (checker.Side, bool) {
	switch name {
	case "A":
		return checker.A, true
	case "B":
		return checker.B, true
	}
	s, ok := c.vars[name]
	return s, ok
}

// names lists what a bare name may be, for suggestions.
func (c *compiler) names() []string {
	out := []string{"A", "B"}
	for v := range c.vars {
		out = append(out, v)
	}
	out = append(out, globalNames()...)
	if c.mode == stepMode {
		out = append(out, "step", "before")
	}
	out = append(out, "inflight")
	return out
}

// unknownName explains a name that is neither a variable nor a literal
// whose type is known.
func (c *compiler) unknownName(id ident) *exprError {
	if _, err := spec.ParseState(id.name); err == nil {
		return c.errf(id.pos, "%s is a state; compare a state with it, as in A.state == %s", id.name, id.name)
	}
	if _, ok := stateSets[normName(id.name)]; ok {
		return c.errf(id.pos, "%s is a set of states; test a state against it, as in A.state in %s", id.name, id.name)
	}
	if _, ok := parseFlag(id.name); ok {
		return c.errf(id.pos, "%s is a flag; test flags with \"has\", as in step.received has %s, or count them with inflight(A->B, %s)", id.name, id.name, id.name)
	}
	cands := c.names()
	cands = append(cands, stateNameList()...)
	return c.errf(id.pos, "unknown name %q%s", id.name, suggestFold(id.name, cands))
}

// Endpoint fields. Each returns the field's type and a getter on one
// endpoint of a world; relational fields also read the peer.
type endpointField struct {
	ty   typ
	get  func(w *world, s checker.Side) int
	getB func(w *world, s checker.Side) bool
	doc  string
}

var endpointFields = map[string]endpointField{
	"state":         {ty: tyState, get: func(w *world, s checker.Side) int { return int(w.E[s].TCB.State) }, doc: "the connection state"},
	"incarnation":   {ty: tyInt, get: func(w *world, s checker.Side) int { return int(w.E[s].Incarnation) }, doc: "how many times the user has reopened"},
	"isn":           {ty: tyInt, get: func(w *world, s checker.Side) int { return int(w.E[s].TCB.Epoch) }, doc: "the epoch of this endpoint's initial sequence number"},
	"irs":           {ty: tyInt, get: irs, doc: "the epoch of the peer's initial sequence number as recorded here, or -1 if none is"},
	"ended":         {ty: tyEnding, get: func(w *world, s checker.Side) int { return int(w.E[s].Ended) }, doc: "how the latest connection ended"},
	"retries":       {ty: tyInt, get: func(w *world, s checker.Side) int { return int(w.E[s].TCB.Retries) }, doc: "retransmissions since SND.UNA last advanced"},
	"snd_una":       {ty: tyInt, get: func(w *world, s checker.Side) int { return int(w.E[s].TCB.SndUna) }, doc: "SND.UNA as an offset from the ISN"},
	"snd_nxt":       {ty: tyInt, get: func(w *world, s checker.Side) int { return int(w.E[s].TCB.SndNxt) }, doc: "SND.NXT as an offset from the ISN"},
	"rcv_nxt":       {ty: tyInt, get: func(w *world, s checker.Side) int { return rcvNxt(w, s) }, doc: "RCV.NXT as an offset from the IRS, or -1"},
	"opened":        {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].Opened }, doc: "the user has called OPEN in this incarnation"},
	"sent":          {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].Sent }, doc: "the user has called SEND in this incarnation"},
	"closed":        {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].Closed }, doc: "the user has called CLOSE in this incarnation"},
	"aborted":       {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].Aborted }, doc: "the user has called ABORT in this incarnation"},
	"crashed":       {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].Crashed }, doc: "the host has crashed"},
	"passive":       {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].TCB.Passive }, doc: "SYN-RECEIVED was reached from LISTEN"},
	"outstanding":   {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].TCB.Outstanding() }, doc: "something sent is not yet acknowledged"},
	"data_sent":     {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].TCB.DataSent }, doc: "the byte of text has been sent"},
	"data_queued":   {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].TCB.DataQueued }, doc: "a SEND waits for the connection to be synchronized"},
	"close_pending": {ty: tyBool, getB: func(w *world, s checker.Side) bool { return w.E[s].TCB.ClosePending }, doc: "a CLOSE waits for queued text"},
	"synced_with_peer": {ty: tyBool, getB: syncedWithPeer,
		doc: "both endpoints know each other's initial sequence number: they are on the same connection"},
}

func irs(w *world, s checker.Side) int {
	t := &w.E[s].TCB
	if !t.State.KnowsIRS() {
		return -1
	}
	return int(t.IRSEpoch)
}

func rcvNxt(w *world, s checker.Side) int {
	t := &w.E[s].TCB
	if !t.State.KnowsIRS() {
		return -1
	}
	return int(t.RcvNxt)
}

// syncedWithPeer reports that side s and its peer are on the same
// connection: each has recorded the other's current initial sequence
// number.
func syncedWithPeer(w *world, s checker.Side) bool {
	x, y := &w.E[s].TCB, &w.E[s.Peer()].TCB
	return x.State.KnowsIRS() && y.State.KnowsIRS() && x.IRSEpoch == y.Epoch && y.IRSEpoch == x.Epoch
}

func endpointFieldNames() []string {
	var out []string
	for k := range endpointFields {
		out = append(out, k)
	}
	out = append(out, "peer")
	sort.Strings(out)
	return out
}

// sideFields compiles the fields after a side: X.peer.state and so on.
func (c *compiler) sideFields(side sideRef, parts []ident, before bool, head ident) (val, *exprError) {
	for len(parts) > 0 && normName(parts[0].name) == "peer" {
		if side.konst {
			side.s = side.s.Peer()
		} else {
			d := side.dyn
			side.dyn = func(b, a *world, t *trans) int { return 1 - d(b, a, t) }
		}
		head = parts[0]
		parts = parts[1:]
	}
	if len(parts) == 0 {
		if side.konst {
			return constInt(tySide, int(side.s)), nil
		}
		return val{ty: tySide, i: side.dyn}, nil
	}
	f := parts[0]
	fd, ok := endpointFields[normName(f.name)]
	if !ok {
		return val{}, c.errf(f.pos, "an endpoint has no field %q%s", f.name, suggest(normName(f.name), endpointFieldNames()))
	}
	if len(parts) > 1 {
		return val{}, c.errf(parts[1].pos, "%s.%s has no fields", head.name, f.name)
	}
	if side.konst {
		s := side.s
		if fd.ty == tyBool {
			g := fd.getB
			if before {
				return val{ty: tyBool, b: func(b, _ *world, _ *trans) bool { return g(b, s) }}, nil
			}
			return val{ty: tyBool, b: func(_, a *world, _ *trans) bool { return g(a, s) }}, nil
		}
		if f.name == "state" {
			// The most common field gets a getter without the extra call.
			if before {
				return val{ty: tyState, i: func(b, _ *world, _ *trans) int { return int(b.E[s].TCB.State) }}, nil
			}
			return val{ty: tyState, i: func(_, a *world, _ *trans) int { return int(a.E[s].TCB.State) }}, nil
		}
		g := fd.get
		if before {
			return val{ty: fd.ty, i: func(b, _ *world, _ *trans) int { return g(b, s) }}, nil
		}
		return val{ty: fd.ty, i: func(_, a *world, _ *trans) int { return g(a, s) }}, nil
	}
	d := side.dyn
	if fd.ty == tyBool {
		g := fd.getB
		if before {
			return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return g(b, checker.Side(d(b, a, t))) }}, nil
		}
		return val{ty: tyBool, b: func(b, a *world, t *trans) bool { return g(a, checker.Side(d(b, a, t))) }}, nil
	}
	g := fd.get
	if before {
		return val{ty: fd.ty, i: func(b, a *world, t *trans) int { return g(b, checker.Side(d(b, a, t))) }}, nil
	}
	return val{ty: fd.ty, i: func(b, a *world, t *trans) int { return g(a, checker.Side(d(b, a, t))) }}, nil
}

// Step fields, available in step invariants.
var stepFieldNames = []string{"action", "actor", "call", "received", "seq", "ack", "sent", "nsent"}

func (c *compiler) stepField(parts []ident) (val, *exprError) {
	if len(parts) == 1 {
		return val{}, c.errf(parts[0].pos, "expected a field after \"step.\"%s", "; one of "+strings.Join(stepFieldNames, ", "))
	}
	f := parts[1]
	rest := parts[2:]
	var v val
	switch normName(f.name) {
	case "action":
		v = val{ty: tyAction, i: func(_, _ *world, t *trans) int { return int(t.Action) }}
	case "actor":
		dyn := func(_, _ *world, t *trans) int { return int(t.Actor) }
		return c.sideFields(sideRef{dyn: dyn}, rest, false, f)
	case "call":
		v = val{ty: tyCall, i: func(_, _ *world, t *trans) int {
			if t.Action == checker.ActCall || t.Action == checker.ActTimeout || t.Action == checker.ActReopen {
				return int(t.Call)
			}
			return noCall
		}}
	case "received":
		v = val{ty: tyFlags, f: func(_, _ *world, t *trans) spec.Flags {
			if t.Action == checker.ActDeliver {
				return t.Seg.Flags
			}
			return 0
		}}
	case "seq":
		v = val{ty: tySeqClass, i: func(_, _ *world, t *trans) int {
			if t.Action == checker.ActDeliver {
				return int(t.Event.Seq)
			}
			return noClass
		}}
	case "ack":
		v = val{ty: tyAckClass, i: func(_, _ *world, t *trans) int {
			if t.Action == checker.ActDeliver {
				return int(t.Event.Ack)
			}
			return noClass
		}}
	case "sent":
		v = val{ty: tyFlags, f: func(_, _ *world, t *trans) spec.Flags {
			var f spec.Flags
			for i := 0; i < t.NOut; i++ {
				f |= t.Out[i].Flags
			}
			return f
		}}
	case "nsent":
		v = val{ty: tyInt, i: func(_, _ *world, t *trans) int { return t.NOut }}
	default:
		return val{}, c.errf(f.pos, "a step has no field %q%s", f.name, suggest(normName(f.name), stepFieldNames))
	}
	if len(rest) > 0 {
		return val{}, c.errf(rest[0].pos, "step.%s has no fields", f.name)
	}
	return v, nil
}

// noCall is step.call when the step is not a call, a timeout or a reopen.
const noCall = 31

// noClass is step.seq and step.ack when the step is not a delivery.
const noClass = 31

// literal reads a bare name as a value of type ty.
func (c *compiler) literal(id ident, ty typ) (int, *exprError) {
	switch ty {
	case tyState:
		s, err := c.state(id)
		return int(s), err
	case tyEnding:
		return c.named(id, "ending", checker.Endings())
	case tySide:
		return 0, c.errf(id.pos, "unknown side %q (expected A, B or a variable bound by forall or exists)", id.name)
	case tyAction:
		return c.named(id, "action", actionNames())
	case tyCall:
		k, err := spec.ParseEventKind(id.name)
		if err != nil || k == spec.Arrive {
			names := callNames()
			return 0, c.errf(id.pos, "unknown call %q (expected one of %s)%s", id.name, strings.Join(names, ", "), suggestFold(id.name, names))
		}
		return int(k), nil
	case tySeqClass:
		return c.named(id, "sequence class", spec.SeqClassNames())
	case tyAckClass:
		return c.named(id, "acknowledgment class", spec.AckClassNames())
	case tyFlags:
		return 0, c.errf(id.pos, `flags are tested with "has", as in step.sent has %s`, id.name)
	case tyBool, tyInt:
		return 0, c.unknownName(id)
	}
	return 0, c.unknownName(id)
}

// named reads a bare name as its index in names, case-insensitively; what
// says what the names are, for the error.
func (c *compiler) named(id ident, what string, names []string) (int, *exprError) {
	for i, n := range names {
		if strings.EqualFold(n, id.name) {
			return i, nil
		}
	}
	return 0, c.errf(id.pos, "unknown %s %q (expected one of %s)%s", what, id.name, strings.Join(names, ", "), suggestFold(id.name, names))
}

func actionNames() []string {
	var out []string
	for a := checker.ActCall; a <= checker.ActReopen; a++ {
		out = append(out, a.String())
	}
	return out
}

func callNames() []string {
	var out []string
	for k := spec.OpenPassive; k <= spec.FinWait2Timeout; k++ {
		if k != spec.Arrive {
			out = append(out, k.Key())
		}
	}
	return out
}

func stateNameList() []string {
	var out []string
	for _, s := range spec.AllStates() {
		out = append(out, s.String())
	}
	return out
}

func (c *compiler) state(id ident) (spec.State, *exprError) {
	s, err := spec.ParseState(id.name)
	if err != nil {
		msg := fmt.Sprintf("unknown state %q%s", id.name, suggestFold(id.name, stateNameList()))
		if _, ok := stateSets[normName(id.name)]; ok {
			msg = fmt.Sprintf("%s is a set of states; write \"in %s\", not inside braces", id.name, id.name)
		}
		return 0, &exprError{id.pos, msg}
	}
	return s, nil
}

// call compiles inflight(dir) and inflight(dir, flags).
func (c *compiler) call(n *callExpr) (val, *exprError) {
	if n.fn.name != "inflight" {
		return val{}, c.errf(n.fn.pos, "unknown function %q%s", n.fn.name, suggest(n.fn.name, []string{"inflight"}))
	}
	if len(n.args) < 1 || len(n.args) > 2 {
		return val{}, c.errf(n.fn.pos, "inflight takes a direction and optionally flags, as in inflight(A->B, FIN)")
	}
	var dirs []checker.Side // which channels to count: Net[s] carries s -> peer
	switch d := n.args[0].(type) {
	case *arrowExpr:
		from, err := c.sideOf(d.from)
		if err != nil {
			return val{}, err
		}
		to, err := c.sideOf(d.to)
		if err != nil {
			return val{}, err
		}
		if from == to {
			return val{}, c.errf(d.pos, "a direction goes from one side to the other, as in A->B")
		}
		dirs = []checker.Side{from}
	case *pathExpr:
		if len(d.parts) == 1 && d.parts[0].name == "any" {
			dirs = []checker.Side{checker.A, checker.B}
			break
		}
		return val{}, c.errf(d.at(), "expected a direction such as A->B, or any, as the first argument of inflight")
	default:
		return val{}, c.errf(n.args[0].at(), "expected a direction such as A->B, or any, as the first argument of inflight")
	}
	var fl spec.Flags
	if len(n.args) == 2 {
		var ids []ident
		switch a := n.args[1].(type) {
		case *flagsExpr:
			ids = a.flags
		case *pathExpr:
			if len(a.parts) == 1 {
				ids = a.parts
			}
		}
		if ids == nil {
			return val{}, c.errf(n.args[1].at(), "expected flags such as FIN or SYN+ACK as the second argument of inflight")
		}
		var err *exprError
		if fl, err = c.flagList(ids); err != nil {
			return val{}, err
		}
	}
	if len(dirs) == 1 {
		s := dirs[0]
		if fl == 0 {
			return val{ty: tyInt, i: func(_, a *world, _ *trans) int { return int(a.Net[s].N) }}, nil
		}
		return val{ty: tyInt, i: func(_, a *world, _ *trans) int { return a.Net[s].Count(fl) }}, nil
	}
	return val{ty: tyInt, i: func(_, a *world, _ *trans) int { return a.Net[0].Count(fl) + a.Net[1].Count(fl) }}, nil
}

// sideOf resolves a side known at compile time (A, B, X, X.peer).
func (c *compiler) sideOf(n node) (checker.Side, *exprError) {
	p, ok := n.(*pathExpr)
	if ok {
		if s, isSide := c.sideName(p.parts[0].name); isSide {
			v, err := c.sideFields(sideRef{konst: true, s: s}, p.parts[1:], false, p.parts[0])
			if err != nil {
				return 0, err
			}
			if v.ty == tySide && v.konst {
				return checker.Side(v.k), nil
			}
		}
	}
	return 0, c.errf(n.at(), "expected a side (A, B, or a variable bound by forall or exists)")
}
