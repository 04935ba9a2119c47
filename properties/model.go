package properties

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// This file decodes models and the overlays they apply to the table.

var (
	modelKeys   = []string{"name", "description", "extends", "variant", "overlay", "a", "b", "network", "retries", "user-timeout", "reopens", "reuse-isn", "time-wait"}
	roleKeys    = []string{"open", "send", "close", "abort", "crash"}
	networkKeys = []string{"capacity", "reorder", "loss", "duplicates"}
	overlayKeys = []string{"name", "description", "remove", "replace", "add", "remove-states"}
	rowKeys     = []string{"id", "from", "on", "guard", "to", "send", "do", "timer", "tell", "cite", "arc", "note"}
	onKeys      = []string{"event", "has", "lacks", "any", "seq", "ack"}
	redirKeys   = []string{"state", "to"}
)

// modelConfig is a model as its keys describe it, before the table is
// built.
type modelConfig struct {
	m       checker.Model // Table is left nil
	variant string
	overlay *overlayDecl
	// retriesAt and userTimeoutAt are where "retries" and "user-timeout"
	// were last set along the chain of "extends", to explain a conflict
	// between them.
	retriesAt, userTimeoutAt place
}

// place is a value in a file.
type place struct {
	f *fileDec
	n *yaml.Node
}

// String renders the place as file:line:col.
func (p place) String() string {
	if p.f == nil {
		return "the model's defaults"
	}
	return p.f.pos(p.n).String()
}

// defaultConfig is what a model without "extends" starts from.
func defaultConfig() modelConfig {
	return modelConfig{m: checker.Model{Net: checker.Network{Capacity: 2}, Retries: 1}, variant: spec.DefaultVariant}
}

// modelDecl is a model being loaded.
type modelDecl struct {
	out         *Model
	f           *fileDec
	node        *yaml.Node
	extends     string
	extendsNode *yaml.Node
	set         []func(*modelConfig)
	state       uint8 // 0 new, 1 resolving, 2 resolved
	cfg         modelConfig
	ok          bool
	// retriesNode and userTimeoutNode are this model's own values of
	// "retries" and "user-timeout", if it sets them.
	retriesNode, userTimeoutNode *yaml.Node
}

// decodeModel decodes one model mapping.
func (f *fileDec) decodeModel(n *yaml.Node) *modelDecl {
	fs, ok := f.fields(n, "a model", modelKeys)
	if !ok {
		return nil
	}
	d := f.modelFields(n, fs)
	if e, ok := fs["name"]; ok {
		if s, ok := f.nameValue("model", e.valNode); ok {
			d.out.Name = s
		} else {
			d.ok = false
		}
	} else {
		f.errorf(n, "a model needs a name")
		d.ok = false
	}
	return d
}

// modelFields decodes the settings of a model (or of a mutant, which is
// a model that extends the property's model).
func (f *fileDec) modelFields(n *yaml.Node, fs map[string]entry) *modelDecl {
	n = resolve(n)
	d := &modelDecl{out: &Model{Pos: f.pos(n)}, f: f, node: n, ok: true}
	fail := func() { d.ok = false }
	if e, ok := fs["description"]; ok {
		if s, ok := f.str("description", e.valNode); ok {
			d.out.Description = strings.TrimSpace(s)
		} else {
			fail()
		}
	}
	if e, ok := fs["extends"]; ok {
		if s, ok := f.str("extends", e.valNode); ok {
			d.extends, d.extendsNode = s, resolve(e.valNode)
		} else {
			fail()
		}
	}
	if e, ok := fs["variant"]; ok {
		if s, ok := f.str("variant", e.valNode); ok {
			if _, err := spec.ForVariant(s); err != nil {
				f.errorf(resolve(e.valNode), "unknown variant %q%s", s, suggestKey(s, spec.VariantNames()))
				fail()
			} else {
				d.set = append(d.set, func(c *modelConfig) { c.variant = s })
			}
		} else {
			fail()
		}
	}
	if e, ok := fs["overlay"]; ok {
		if o := f.decodeOverlay(e.valNode); o != nil {
			d.set = append(d.set, func(c *modelConfig) { c.overlay = o })
		} else {
			fail()
		}
	}
	for _, side := range []string{"a", "b"} {
		e, ok := fs[side]
		if !ok {
			continue
		}
		sideKey := side
		if !f.decodeRole(e.valNode, strings.ToUpper(side), func(c *modelConfig) *checker.Role {
			if sideKey == "a" {
				return &c.m.A
			}
			return &c.m.B
		}, &d.set) {
			fail()
		}
	}
	if e, ok := fs["network"]; ok {
		if !f.decodeNetwork(e.valNode, &d.set) {
			fail()
		}
	}
	if e, ok := fs["retries"]; ok {
		// retries: a number of retransmissions per segment, or "forever".
		v := resolve(e.valNode)
		at := place{f, v}
		d.retriesNode = v
		switch {
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "forever":
			d.set = append(d.set, func(c *modelConfig) { c.m.RetryForever, c.retriesAt = true, at })
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int":
			if n, ok := f.integer("retries", v); !ok {
				fail()
			} else if n < 0 || n > checker.MaxRetries {
				f.errorf(v, "\"retries\" must be between 0 and %d, or forever, found %d", checker.MaxRetries, n)
				fail()
			} else {
				d.set = append(d.set, func(c *modelConfig) { c.m.Retries, c.m.RetryForever, c.retriesAt = n, false, at })
			}
		default:
			f.errorf(v, "\"retries\" must be the number of retransmissions per segment (0 to %d) or forever, found %s", checker.MaxRetries, describe(v))
			fail()
		}
	}
	if e, ok := fs["reopens"]; ok {
		if v, ok := f.intRange("reopens", e.valNode, 0, checker.MaxReopens); ok {
			d.set = append(d.set, func(c *modelConfig) { c.m.Reopens = v })
		} else {
			fail()
		}
	}
	if e, ok := fs["user-timeout"]; ok {
		n := resolve(e.valNode)
		set := func(on, drain bool) {
			at := place{f, n}
			d.userTimeoutNode = at.n
			d.set = append(d.set, func(c *modelConfig) {
				c.m.UserTimeout, c.m.UserTimeoutAfterDrain, c.userTimeoutAt = on, drain, at
			})
		}
		switch {
		case n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool":
			v, _ := f.boolean("user-timeout", n)
			set(v, false)
		case n != nil && n.Kind == yaml.ScalarNode && n.Value == "after-drain":
			set(true, true)
		default:
			found := describe(n)
			if n != nil && n.Kind == yaml.ScalarNode {
				found = fmt.Sprintf("%q%s", n.Value, suggestFold(n.Value, []string{"after-drain", "true", "false"}))
			}
			f.errorf(n, "\"user-timeout\" is true, false or after-drain (the user gives up only once none of its own segments are in flight), found %s", found)
			fail()
		}
	}
	if e, ok := fs["time-wait"]; ok {
		n := resolve(e.valNode)
		switch {
		case n != nil && n.Kind == yaml.ScalarNode && n.Value == "2msl":
			d.set = append(d.set, func(c *modelConfig) { c.m.EarlyTimeWait = false })
		case n != nil && n.Kind == yaml.ScalarNode && n.Value == "early":
			d.set = append(d.set, func(c *modelConfig) { c.m.EarlyTimeWait = true })
		default:
			found := describe(n)
			if n != nil && n.Kind == yaml.ScalarNode {
				found = fmt.Sprintf("%q%s", n.Value, suggestFold(n.Value, []string{"2msl", "early"}))
			}
			f.errorf(n, "\"time-wait\" is 2msl (the 2MSL timer waits until nothing of the connection is in flight and the peer will not retransmit) or early (it may fire at any moment), found %s", found)
			fail()
		}
	}
	if e, ok := fs["reuse-isn"]; ok {
		if v, ok := f.boolean("reuse-isn", e.valNode); ok {
			d.set = append(d.set, func(c *modelConfig) { c.m.ReuseISN = v })
		} else {
			fail()
		}
	}
	return d
}

// nameValue decodes a model or property name. Names are limited to
// nameChars so that every name can be selected with --property (which
// splits at commas), is a file name of its own for --save-traces (no '/'),
// and prints as itself on a terminal (no control characters).
func (f *fileDec) nameValue(what string, n *yaml.Node) (string, bool) {
	s, ok := f.str("name", n)
	if !ok {
		return "", false
	}
	if s == "" {
		f.errorf(resolve(n), "a %s name is made of %s, such as client-server; found an empty name", what, nameChars)
		return "", false
	}
	if len(s) > MaxNameLength {
		// Not echoed whole: the name may be megabytes long.
		f.errorf(resolve(n), "a %s name may be at most %d characters long; this one has %d (it starts %q)", what, MaxNameLength, len(s), s[:32])
		return "", false
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return !isNameChar(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		// Point at the character itself, unless quoting escapes (as in
		// "\e") part the value from the source, where the name will do.
		pos := f.offsetPos(resolve(n), s, i)
		if pos.Line != f.pos(resolve(n)).Line {
			pos = f.pos(resolve(n))
		}
		f.errAt(pos, "%s name %q holds %q, which is not allowed: a name is made of %s, such as client-server", what, s, r, nameChars)
		return "", false
	}
	return s, true
}

// nameChars says which characters model and property names are made of.
const nameChars = "ASCII letters, digits, '.', '_' and '-'"

func isNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

func (f *fileDec) decodeRole(n *yaml.Node, side string, role func(*modelConfig) *checker.Role, set *[]func(*modelConfig)) bool {
	fs, ok := f.fields(n, "the role of "+side, roleKeys)
	if !ok {
		return false
	}
	good := true
	if e, ok := fs["open"]; ok {
		if s, ok := f.str("open", e.valNode); ok {
			m, err := checker.ParseOpenMode(s)
			if err != nil {
				f.errorf(resolve(e.valNode), "unknown open mode %q (expected active, passive or none)%s", s, suggestFold(s, []string{"active", "passive", "none"}))
				good = false
			} else {
				*set = append(*set, func(c *modelConfig) { role(c).Open = m })
			}
		} else {
			good = false
		}
	}
	for _, k := range []string{"send", "close", "abort", "crash"} {
		e, ok := fs[k]
		if !ok {
			continue
		}
		v, ok := f.boolean(k, e.valNode)
		if !ok {
			good = false
			continue
		}
		key := k
		*set = append(*set, func(c *modelConfig) {
			r := role(c)
			switch key {
			case "send":
				r.Send = v
			case "close":
				r.Close = v
			case "abort":
				r.Abort = v
			case "crash":
				r.Crash = v
			}
		})
	}
	return good
}

func (f *fileDec) decodeNetwork(n *yaml.Node, set *[]func(*modelConfig)) bool {
	fs, ok := f.fields(n, "the network", networkKeys)
	if !ok {
		return false
	}
	good := true
	if e, ok := fs["capacity"]; ok {
		if v, ok := f.intRange("capacity", e.valNode, 1, checker.MaxCapacity); ok {
			*set = append(*set, func(c *modelConfig) { c.m.Net.Capacity = v })
		} else {
			good = false
		}
	}
	if e, ok := fs["reorder"]; ok {
		if v, ok := f.boolean("reorder", e.valNode); ok {
			*set = append(*set, func(c *modelConfig) { c.m.Net.Reorder = v })
		} else {
			good = false
		}
	}
	if e, ok := fs["loss"]; ok {
		// loss: a budget (0 for none), "unbounded", or "overflow" (only
		// what a full channel cannot hold).
		v := resolve(e.valNode)
		switch {
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "unbounded":
			*set = append(*set, func(c *modelConfig) { c.m.Net.Loss, c.m.Net.LossBudget, c.m.Net.Overflow = true, 0, false })
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "overflow":
			*set = append(*set, func(c *modelConfig) { c.m.Net.Loss, c.m.Net.LossBudget, c.m.Net.Overflow = false, 0, true })
		case v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int":
			if b, ok := f.intRange("loss", v, 0, checker.MaxBudget); ok {
				*set = append(*set, func(c *modelConfig) { c.m.Net.Loss, c.m.Net.LossBudget, c.m.Net.Overflow = b > 0, b, false })
			} else {
				good = false
			}
		default:
			found := describe(v)
			if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
				found += suggestFold(v.Value, []string{"unbounded", "overflow"})
			}
			f.errorf(v, "\"loss\" must be the number of segments the network may lose (0 to %d), unbounded, or overflow (only what a full channel cannot hold), found %s", checker.MaxBudget, found)
			good = false
		}
	}
	if e, ok := fs["duplicates"]; ok {
		if v, ok := f.intRange("duplicates", e.valNode, 0, checker.MaxBudget); ok {
			*set = append(*set, func(c *modelConfig) { c.m.Net.Duplicates = v })
		} else {
			good = false
		}
	}
	return good
}

// overlayDecl is a decoded overlay whose rows are built against the table
// it applies to (a replaced row starts from the row it replaces).
type overlayDecl struct {
	f            *fileDec
	node         *yaml.Node
	name, desc   string
	remove       []*yaml.Node
	replace, add []*yaml.Node
	removeStates []spec.StateRedirect
}

func (f *fileDec) decodeOverlay(n *yaml.Node) *overlayDecl {
	fs, ok := f.fields(n, "an overlay", overlayKeys)
	if !ok {
		return nil
	}
	o := &overlayDecl{f: f, node: resolve(n)}
	good := true
	if e, ok := fs["name"]; ok {
		if s, ok := f.str("name", e.valNode); ok {
			o.name = s
		} else {
			good = false
		}
	}
	if e, ok := fs["description"]; ok {
		if s, ok := f.str("description", e.valNode); ok {
			o.desc = s
		} else {
			good = false
		}
	}
	if e, ok := fs["remove"]; ok {
		if _, nodes, ok := f.strList("remove", e.valNode); ok {
			o.remove = nodes
		} else {
			good = false
		}
	}
	for _, k := range []string{"replace", "add"} {
		e, ok := fs[k]
		if !ok {
			continue
		}
		v := resolve(e.valNode)
		if v == nil || v.Kind != yaml.SequenceNode {
			f.errorf(v, "%q must be a list of rows, found %s", k, describe(v))
			good = false
			continue
		}
		for _, it := range v.Content {
			if k == "replace" {
				o.replace = append(o.replace, resolve(it))
			} else {
				o.add = append(o.add, resolve(it))
			}
		}
	}
	if e, ok := fs["remove-states"]; ok {
		v := resolve(e.valNode)
		if v == nil || v.Kind != yaml.SequenceNode {
			f.errorf(v, "\"remove-states\" must be a list such as [{state: TIME-WAIT, to: CLOSED}], found %s", describe(v))
			good = false
		} else {
			for _, it := range v.Content {
				rs, ok := f.fields(it, "a removed state", redirKeys)
				if !ok {
					good = false
					continue
				}
				var r spec.StateRedirect
				st, ok1 := rs["state"]
				to, ok2 := rs["to"]
				if !ok1 || !ok2 {
					f.errorf(resolve(it), "a removed state needs both \"state\" and \"to\", as in {state: TIME-WAIT, to: CLOSED}")
					good = false
					continue
				}
				var sok bool
				if r.State, sok = f.stateValue("state", st.valNode); !sok {
					good = false
				}
				if r.To, sok = f.stateValue("to", to.valNode); !sok {
					good = false
				}
				o.removeStates = append(o.removeStates, r)
			}
		}
	}
	if !good {
		return nil
	}
	return o
}

// stateValue decodes a state name.
func (f *fileDec) stateValue(key string, n *yaml.Node) (spec.State, bool) {
	s, ok := f.str(key, n)
	if !ok {
		return 0, false
	}
	st, err := spec.ParseState(s)
	if err != nil {
		f.errorf(resolve(n), "unknown state %q%s", s, suggestFold(s, stateNameList()))
		return 0, false
	}
	return st, true
}

// build turns the overlay into a spec.Overlay for the table it applies
// to, checking row IDs against that table.
func (o *overlayDecl) build(base *spec.Table) (spec.Overlay, bool) {
	f := o.f
	ov := spec.Overlay{Name: o.name, Description: o.desc, RemoveStates: o.removeStates}
	if ov.Name == "" {
		ov.Name = base.Name() + "+overlay"
	}
	good := true
	ids := rowIDs(base)
	for _, n := range o.remove {
		if _, ok := base.RowIndex(n.Value); !ok {
			f.errorf(n, "the table has no row %q%s", n.Value, suggest(n.Value, ids))
			good = false
			continue
		}
		ov.Remove = append(ov.Remove, n.Value)
	}
	for _, n := range o.replace {
		r, ok := f.decodeRow(n, base, ids, true)
		if ok {
			ov.Replace = append(ov.Replace, r)
		} else {
			good = false
		}
	}
	for _, n := range o.add {
		r, ok := f.decodeRow(n, base, ids, false)
		if ok {
			ov.Add = append(ov.Add, r)
		} else {
			good = false
		}
	}
	return ov, good
}

func rowIDs(t *spec.Table) []string {
	var out []string
	for _, r := range t.Rows() {
		out = append(out, r.ID)
	}
	return out
}

// Names of the row vocabulary in YAML.
var (
	guardKeys  = []string{"always", "passive", "active", "data-queued", "no-data-queued", "close-pending", "no-close-pending"}
	outputKeys = []string{"syn", "syn-ack", "ack", "data", "fin", "queued", "rst-for-ack", "rst-ack-for-seg", "rst", "retransmit", "rst-ack"}
	opKeys     = []string{"record-irs", "ack-update", "consume", "queue-data", "queue-close", "set-passive", "set-active", "new-tcb"}
	timerKeys  = []string{"start-retransmission", "stop-retransmission", "start-2msl", "restart-2msl", "stop-all"}
	noticeKeys = []string{"none", "exists", "no-connection", "closing", "reset", "refused", "user-timeout", "remote-close", "established", "closed"}
	seqKeys    = []string{"unchecked", "in-order", "ahead", "irs", "outside", "beyond"}
	ackKeys    = []string{"none", "of-syn", "of-data", "of-fin", "duplicate", "old", "unacceptable"}
)

// enumIndex finds s among keys, case-insensitively.
func enumIndex(s string, keys []string) (int, bool) {
	for i, k := range keys {
		if strings.EqualFold(s, k) {
			return i, true
		}
	}
	return 0, false
}

// enumValue decodes one name from keys, reporting an unknown one with a
// suggestion.
func (f *fileDec) enumValue(key, what string, n *yaml.Node, keys []string) (int, bool) {
	s, ok := f.str(key, n)
	if !ok {
		return 0, false
	}
	i, ok := enumIndex(s, keys)
	if !ok {
		f.errorf(resolve(n), "unknown %s %q%s", what, s, suggestKey(s, keys))
		return 0, false
	}
	return i, true
}

// enumList decodes a list of names from keys.
func (f *fileDec) enumList(key, what string, n *yaml.Node, keys []string) ([]int, bool) {
	items, ok := f.list(key, n)
	if !ok {
		return nil, false
	}
	var out []int
	good := true
	for _, it := range items {
		i, ok := f.enumValue(key, what, it, keys)
		if !ok {
			good = false
			continue
		}
		out = append(out, i)
	}
	return out, good
}

// flagsValue decodes a list of flags, or one string such as "SYN,ACK".
func (f *fileDec) flagsValue(key string, n *yaml.Node) (spec.Flags, bool) {
	items, ok := f.list(key, n)
	if !ok {
		return 0, false
	}
	var fl spec.Flags
	good := true
	for _, it := range items {
		s, ok := f.str(key, it)
		if !ok {
			good = false
			continue
		}
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '+' || r == ' ' }) {
			g, ok := parseFlag(p)
			if !ok {
				f.errorf(it, "unknown flag %q%s", p, suggestKey(p, flagNameList()))
				good = false
				continue
			}
			fl |= g
		}
	}
	return fl, good
}

// decodeRow decodes a row. A replacing row starts from the row it
// replaces, so it need only give what changes; an added row needs id,
// from, on and to.
func (f *fileDec) decodeRow(n *yaml.Node, base *spec.Table, ids []string, replace bool) (spec.Row, bool) {
	what := "an added row"
	if replace {
		what = "a replacing row"
	}
	fs, ok := f.fields(n, what, rowKeys)
	if !ok {
		return spec.Row{}, false
	}
	var r spec.Row
	idE, ok := fs["id"]
	if !ok {
		f.errorf(n, "%s needs an id", what)
		return spec.Row{}, false
	}
	id, ok := f.str("id", idE.valNode)
	if !ok {
		return spec.Row{}, false
	}
	if replace {
		i, found := base.RowIndex(id)
		if !found {
			f.errorf(resolve(idE.valNode), "the table has no row %q to replace%s", id, suggest(id, ids))
			return spec.Row{}, false
		}
		r = base.Row(i)
	} else {
		if _, found := base.RowIndex(id); found {
			f.errorf(resolve(idE.valNode), "the table already has a row %q; replace it instead of adding it", id)
			return spec.Row{}, false
		}
		for _, k := range []string{"from", "on", "to"} {
			if _, ok := fs[k]; !ok {
				f.errorf(n, "an added row needs %q", k)
				return spec.Row{}, false
			}
		}
		r = spec.Row{ID: id}
	}
	good := true
	if e, ok := fs["from"]; ok {
		if replace {
			f.errorf(e.keyNode, "a replacing row keeps the state of the row it replaces; remove it and add a new row to move it")
			good = false
		} else if s, ok := f.stateValue("from", e.valNode); ok {
			r.From = s
		} else {
			good = false
		}
	}
	if e, ok := fs["to"]; ok {
		if s, ok := f.stateValue("to", e.valNode); ok {
			r.To = s
		} else {
			good = false
		}
	}
	if e, ok := fs["on"]; ok {
		if p, ok := f.decodePattern(e.valNode); ok {
			r.On = p
		} else {
			good = false
		}
	}
	if e, ok := fs["guard"]; ok {
		if i, ok := f.enumValue("guard", "guard", e.valNode, guardKeys); ok {
			r.Guard = spec.Guard(i)
		} else {
			good = false
		}
	}
	if e, ok := fs["send"]; ok {
		if is, ok := f.enumList("send", "segment template", e.valNode, outputKeys); ok {
			r.Send = nil
			for _, i := range is {
				r.Send = append(r.Send, spec.Output(i+1))
			}
		} else {
			good = false
		}
	}
	if e, ok := fs["do"]; ok {
		if is, ok := f.enumList("do", "operation", e.valNode, opKeys); ok {
			r.Do = spec.Op(bitsOf(is))
		} else {
			good = false
		}
	}
	if e, ok := fs["timer"]; ok {
		if is, ok := f.enumList("timer", "timer action", e.valNode, timerKeys); ok {
			r.Timer = spec.Timer(bitsOf(is))
		} else {
			good = false
		}
	}
	if e, ok := fs["tell"]; ok {
		if i, ok := f.enumValue("tell", "notice", e.valNode, noticeKeys); ok {
			r.Tell = spec.Notice(i)
		} else {
			good = false
		}
	}
	if e, ok := fs["cite"]; ok {
		if s, ok := f.str("cite", e.valNode); ok {
			r.Cite = s
		} else {
			good = false
		}
	}
	if e, ok := fs["note"]; ok {
		if s, ok := f.str("note", e.valNode); ok {
			r.Note = strings.TrimSpace(s)
		} else {
			good = false
		}
	}
	if e, ok := fs["arc"]; ok {
		if v, ok := f.intRange("arc", e.valNode, 0, 20); ok {
			r.Arc = v
		} else {
			good = false
		}
	}
	return r, good
}

// decodePattern decodes "on": an event name ("close", "rto", "rcv") or a
// mapping that qualifies an arrival.
func (f *fileDec) decodePattern(n *yaml.Node) (spec.Pattern, bool) {
	n = resolve(n)
	events := append(callNames(), "rcv")
	if n != nil && n.Kind == yaml.ScalarNode {
		k, ok := f.eventKind(n, events)
		return spec.Pattern{Kind: k}, ok
	}
	fs, ok := f.fields(n, "an event pattern", onKeys)
	if !ok {
		return spec.Pattern{}, false
	}
	e, ok := fs["event"]
	if !ok {
		f.errorf(n, "an event pattern needs \"event\", such as rcv or close")
		return spec.Pattern{}, false
	}
	k, good := f.eventKind(resolve(e.valNode), events)
	p := spec.Pattern{Kind: k}
	if good && k != spec.Arrive {
		for _, key := range []string{"has", "lacks", "any", "seq", "ack"} {
			if q, ok := fs[key]; ok {
				f.errorf(q.keyNode, "%q qualifies arriving segments; it does not apply to event %s", key, k.Key())
				good = false
			}
		}
		return p, good
	}
	for _, fk := range []struct {
		key string
		dst *spec.Flags
	}{{"has", &p.Has}, {"lacks", &p.Lacks}, {"any", &p.AnyOf}} {
		if q, ok := fs[fk.key]; ok {
			fl, ok := f.flagsValue(fk.key, q.valNode)
			if !ok {
				good = false
			}
			*fk.dst = fl
		}
	}
	if q, ok := fs["seq"]; ok {
		is, ok := f.enumList("seq", "sequence class", q.valNode, seqKeys)
		if !ok {
			good = false
		}
		for _, i := range is {
			p.Seq |= spec.SeqsOf(spec.SeqClass(i))
		}
	}
	if q, ok := fs["ack"]; ok {
		is, ok := f.enumList("ack", "acknowledgment class", q.valNode, ackKeys)
		if !ok {
			good = false
		}
		for _, i := range is {
			p.Ack |= spec.AcksOf(spec.AckClass(i))
		}
	}
	return p, good
}

func (f *fileDec) eventKind(n *yaml.Node, events []string) (spec.EventKind, bool) {
	s, ok := f.str("event", n)
	if !ok {
		return 0, false
	}
	k, err := spec.ParseEventKind(s)
	if err != nil {
		f.errorf(n, "unknown event %q%s", s, suggestKey(s, events))
		return 0, false
	}
	return k, true
}

// resolveModels resolves "extends" and builds every model's table.
func (l *loader) resolveModels() {
	for _, d := range l.modelList {
		l.resolveModel(d)
	}
}

func (l *loader) resolveModel(d *modelDecl) bool {
	switch d.state {
	case 2:
		return d.ok
	case 1:
		d.f.errorf(d.extendsNode, "model %q extends itself through a cycle of \"extends\"", d.out.Name)
		d.ok = false
		return false
	}
	d.state = 1
	defer func() { d.state = 2 }()
	cfg := defaultConfig()
	if d.extends != "" {
		parent, ok := l.models[d.extends]
		if !ok {
			d.f.errorf(d.extendsNode, "model %q extends %q, which does not exist%s", d.out.Name, d.extends, suggest(d.extends, l.modelNames()))
			d.ok = false
			return false
		}
		if !l.resolveModel(parent) {
			d.ok = false
			return false
		}
		cfg = parent.cfg
	}
	for _, s := range d.set {
		s(&cfg)
	}
	d.cfg = cfg
	if !d.ok {
		return false
	}
	m := cfg.m
	m.Name = d.out.Name
	t, err := spec.ForVariant(cfg.variant)
	if err != nil {
		d.f.errorf(d.node, "%v", err)
		d.ok = false
		return false
	}
	if cfg.overlay != nil {
		ov, ok := cfg.overlay.build(t)
		if !ok {
			d.ok = false
			return false
		}
		nt, err := applyOverlay(t, ov)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				cfg.overlay.f.errorf(cfg.overlay.node, "the overlay cannot be applied: %s", line)
			}
			d.ok = false
			return false
		}
		t = nt
	}
	m.Table = t
	if m.RetryForever && m.UserTimeout {
		d.retryConflict(&cfg)
		// Reported; let Validate report anything else.
		m.UserTimeout, m.UserTimeoutAfterDrain = false, false
	}
	if err := m.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			d.f.errorf(d.node, "model %q is invalid: %s", d.out.Name, line)
		}
		d.ok = false
		return false
	}
	if !d.ok {
		return false
	}
	d.out.Model = m
	return true
}

// retryConflict reports a model that retries forever and has a user
// timeout, which fires only once the retries run out. The error points at
// whichever of the two this model sets itself (retries, when it sets both)
// and says where the other one comes from, which may be a model it
// extends.
func (d *modelDecl) retryConflict(cfg *modelConfig) {
	d.ok = false
	if d.retriesNode != nil || d.userTimeoutNode == nil {
		n := d.retriesNode
		if n == nil {
			n = d.node
		}
		setting := "true"
		if at := cfg.userTimeoutAt.n; at != nil {
			setting = at.Value
		}
		d.f.errorf(n, "model %q retries forever, so it cannot have a user timeout, which fires only once the retries run out (user-timeout: %s at %s); add \"user-timeout: false\"", d.out.Name, setting, cfg.userTimeoutAt)
		return
	}
	d.f.errorf(d.userTimeoutNode, "model %q cannot have a user timeout: it retries forever (retries: forever at %s), and the user timeout fires only once the retries run out; give \"retries\" a number (0 to %d) to have one", d.out.Name, cfg.retriesAt, checker.MaxRetries)
}

// overlayOf returns the mutation a necessity claim or a mutant names: a
// built-in variant's overlay, or an overlay written out.
func variantOverlay(name string) (spec.Overlay, bool) {
	for _, v := range spec.Variants() {
		if v.Name == name {
			return v.Overlay, true
		}
	}
	return spec.Overlay{}, false
}

// applied caches overlaid tables. Building a table checks that it is
// total, which costs milliseconds; the same overlays are applied each time
// the default set (or a user's file) is loaded. Tables are immutable, so
// sharing them is safe.
var applied = struct {
	sync.Mutex
	m map[appliedKey]appliedTable
}{m: map[appliedKey]appliedTable{}}

type appliedKey struct {
	base    *spec.Table
	overlay string
}

type appliedTable struct {
	t   *spec.Table
	err error
}

// maxApplied bounds the cache; it is emptied when full.
const maxApplied = 256

// applyOverlay is base.Apply(o), cached.
func applyOverlay(base *spec.Table, o spec.Overlay) (*spec.Table, error) {
	key := appliedKey{base, fmt.Sprintf("%#v", o)}
	applied.Lock()
	if r, ok := applied.m[key]; ok {
		applied.Unlock()
		return r.t, r.err
	}
	applied.Unlock()
	t, err := base.Apply(o)
	applied.Lock()
	if len(applied.m) >= maxApplied {
		applied.m = map[appliedKey]appliedTable{}
	}
	applied.m[key] = appliedTable{t, err}
	applied.Unlock()
	return t, err
}

// bitsOf turns the indexes of an enum list into a bit set, for the
// flag-set fields of a row (operations and timer actions).
func bitsOf(is []int) uint8 {
	var b uint8
	for _, i := range is {
		b |= 1 << i
	}
	return b
}
