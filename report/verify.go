package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/didyoumean"
	"github.com/tcpcheck/tcpcheck/internal/jsonpos"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/spec"
)

// A trace read from a file is believed only as far as the checker
// confirms it. verifyTrace decodes it with the position of every field,
// finds the model and the property it names, replays its steps through the
// model (checker.Replay), decides the property on the replayed run
// (checker.Decide), and then compares the file with the view of the
// replayed run field by field: the first field that differs is the error,
// at its line:col, with what the replay expected there.

// posError is an error at a place in the input.
type posError struct {
	line, col int
	msg       string
}

func (e *posError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

func at(n *jsonpos.Node, format string, args ...any) error {
	return &posError{n.Line, n.Col, fmt.Sprintf(format, args...)}
}

func atField(f *jsonpos.Field, format string, args ...any) error {
	return &posError{f.Line, f.Col, fmt.Sprintf(format, args...)}
}

// verifyTrace checks the trace in node n against the suites, and returns
// the view of the replayed run.
func verifyTrace(n *jsonpos.Node, suites []*properties.Suite) (*checker.TraceView, error) {
	var v checker.TraceView
	if err := decodeNode(n, reflect.ValueOf(&v).Elem(), ""); err != nil {
		return nil, err
	}
	field := func(name string) *jsonpos.Node {
		if f := n.Get(name); f != nil {
			return f
		}
		return n
	}
	m, p, claim, err := findProperty(&v, field, suites)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("model %s (variant %s)", m.Name, m.Table.Name())
	tr, err := checker.Replay(m, &v)
	if err != nil {
		return nil, replayError(n, err, where)
	}
	check, necessity := p.Check, p.Necessity != nil
	if necessity {
		check = p.Necessity.Property
	}
	// The steps first, in the order of the file; then what the run
	// shows, which the steps decide.
	want := checker.NewTraceView(tr)
	want.Property, want.Verdict, want.Message, want.LoopStart = v.Property, v.Verdict, v.Message, v.LoopStart
	if err := compareViews(n, want, where); err != nil {
		return nil, err
	}
	o, err := checker.Decide(m, check, tr)
	if err != nil {
		return nil, replayError(n, err, where)
	}
	want.Property, want.Verdict, want.Message, want.LoopStart = p.Name, o.Verdict.String(), o.Message, tr.LoopStart
	if necessity {
		// The mutant's counterexample shows that the property fails on
		// the mutant; the claim, that it holds without the mutation, is
		// the verdict of a search the trace does not carry, so the
		// claim is checked again, with the search it names.
		rs, err := claim.suite.Run(properties.RunOptions{Properties: []string{p.Name}, Variant: claim.variant})
		if err != nil || len(rs) != 1 {
			return nil, at(field("property"), "cannot check the necessity claim %s again: %v", p.Name, err)
		}
		if rs[0].Err != nil {
			return nil, at(field("property"), "cannot check the necessity claim %s again: %v", p.Name, rs[0].Err)
		}
		want.Verdict, want.Message = rs[0].Outcome.Verdict.String(), rs[0].Outcome.Message
	}
	if err := compareViews(n, want, where); err != nil {
		return nil, err
	}
	return want, nil
}

// compareViews compares the file's node n with the view want.
func compareViews(n *jsonpos.Node, want *checker.TraceView, where string) error {
	data, err := json.Marshal(want)
	if err != nil {
		return err
	}
	exp, err := jsonpos.Parse(data)
	if err != nil {
		return err
	}
	return compareNodes(n, exp, "", where)
}

// replayError places an error of checker.Replay or checker.Decide.
func replayError(n *jsonpos.Node, err error, where string) error {
	var re *checker.ReplayError
	if !errors.As(err, &re) {
		return at(n, "cannot replay the trace on %s: %v", where, err)
	}
	node, path := n, re.Field
	if re.Step >= 0 {
		path = fmt.Sprintf("steps[%d].%s", re.Step, re.Field)
		if steps := n.Get("steps"); steps != nil && re.Step < len(steps.Elems) {
			step := steps.Elems[re.Step]
			node = step
			if f := step.Get(re.Field); f != nil {
				return at(f, "%s: %s", path, re.Msg)
			}
		}
	} else if f := n.Field(re.Field); f != nil {
		return atField(f, "%s: %s", path, re.Msg)
	}
	return at(node, "%s: %s", path, re.Msg)
}

// findProperty finds the property the trace names, and the model it runs
// on as the trace says it ran: on the trace's variant, and for a
// necessity claim on the mutated table.
// necessityClaim is where a necessity claim is checked again: the suite
// that holds it and the --variant it ran with ("" for its model's own).
type necessityClaim struct {
	suite   *properties.Suite
	variant string
}

func findProperty(v *checker.TraceView, field func(string) *jsonpos.Node, suites []*properties.Suite) (checker.Model, *properties.Property, necessityClaim, error) {
	how := "the default properties are built in; for a property of your own, pass its file with --files FILE"
	if v.Property == "" {
		return checker.Model{}, nil, necessityClaim{}, at(field("property"), "the trace names no property: expected the name of the property it is a counterexample of, which the replay needs to decide its verdict")
	}
	var p *properties.Property
	var suite *properties.Suite
	var claim necessityClaim
	var names []string
	for _, s := range suites {
		for _, q := range s.Properties {
			names = append(names, q.Name)
			if q.Name == v.Property && p == nil {
				p, suite = q, s
			}
		}
	}
	if p == nil {
		return checker.Model{}, nil, necessityClaim{}, at(field("property"), "property %q is not in the property files read (%s)%s; %s", v.Property, plural(len(names), "property", "properties"), suggestName(v.Property, names), how)
	}
	if p.Coverage != nil {
		return checker.Model{}, nil, necessityClaim{}, at(field("property"), "property %q is a coverage property, which has no counterexample to replay", v.Property)
	}
	modelName := p.ModelName
	mutant := p.Mutant != nil && p.Mutant.Model != nil && v.Model == p.Mutant.Model.Model.Name && v.Model != modelName
	if mutant {
		modelName = p.Mutant.Model.Name
	}
	var m checker.Model
	found := false
	for _, sm := range suite.Models {
		if sm.Name == modelName {
			m, found = sm.Model, true
		}
	}
	if mutant {
		// A mutant's model is the property's own, not one of the file's.
		m, found = p.Mutant.Model.Model, true
	}
	if !found {
		return checker.Model{}, nil, necessityClaim{}, at(field("model"), "property %q runs on model %q, which is not in the files read; %s", p.Name, modelName, how)
	}
	if mutant {
		check := p.Mutant.Check()
		p2 := *p
		p2.Check, p2.Necessity = check, nil
		p = &p2
	}
	variants := spec.VariantNames()
	tableFor := func(name string) (*spec.Table, error) {
		if m.Table != nil && m.Table.Name() == name {
			return m.Table, nil
		}
		return spec.ForVariant(name)
	}
	if p.Necessity != nil {
		// The trace ran on the mutant: the model's table (or a variant,
		// with --variant) with the claim's mutation applied.
		tables := []*spec.Table{m.Table}
		for _, name := range variants {
			if t, err := spec.ForVariant(name); err == nil {
				tables = append(tables, t)
			}
		}
		found = false
		for i, t := range tables {
			if t == nil {
				continue
			}
			mt, err := t.Apply(p.Necessity.Mutation)
			if err == nil && mt.Name() == v.Variant {
				m.Table, m.Name, found = mt, m.Name+" ("+mt.Name()+")", true
				claim = necessityClaim{suite: suite}
				if i > 0 {
					claim.variant = variants[i-1]
				}
				break
			}
		}
		if !found {
			return checker.Model{}, nil, necessityClaim{}, at(field("variant"), "variant is %q: property %q is a necessity claim, whose counterexample runs on its mutation of a variant's table; the replay expected the name of such a table", v.Variant, p.Name)
		}
	} else {
		t, err := tableFor(v.Variant)
		if err != nil {
			return checker.Model{}, nil, necessityClaim{}, at(field("variant"), "variant is %q: the replay expected a variant, one of %s", v.Variant, strings.Join(variants, ", "))
		}
		m.Table = t
	}
	if v.Model != m.Name {
		return checker.Model{}, nil, necessityClaim{}, at(field("model"), "model is %q: property %s runs on model %s, which the replay expected", v.Model, p.Name, m.Name)
	}
	return m, p, claim, nil
}

// suggestName proposes the closest name, if one is close.
func suggestName(name string, names []string) string {
	if best, ok := didyoumean.Closest(name, names, false); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// decodeNode decodes n into v, a value of the types a TraceView is made
// of, following the json tags: a field of the wrong kind, or a field a
// trace does not have, is an error at its place.
func decodeNode(n *jsonpos.Node, v reflect.Value, path string) error {
	if n.Kind == jsonpos.Null {
		v.SetZero()
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		if n.Kind != jsonpos.String {
			return at(n, "%s is %s: expected a string", pathName(path), n.Kind)
		}
		v.SetString(n.Text)
	case reflect.Int, reflect.Uint32:
		if n.Kind != jsonpos.Number {
			return at(n, "%s is %s: expected a number", pathName(path), n.Kind)
		}
		if v.Kind() == reflect.Int {
			i, err := strconv.ParseInt(n.Text, 10, 32)
			if err != nil {
				return at(n, "%s is %s: expected a whole number", pathName(path), n.Text)
			}
			v.SetInt(i)
		} else {
			u, err := strconv.ParseUint(n.Text, 10, 32)
			if err != nil {
				return at(n, "%s is %s: expected a whole number from 0 to 4294967295", pathName(path), n.Text)
			}
			v.SetUint(u)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		return decodeNode(n, v.Elem(), path)
	case reflect.Slice:
		if n.Kind != jsonpos.Array {
			return at(n, "%s is %s: expected an array", pathName(path), n.Kind)
		}
		s := reflect.MakeSlice(v.Type(), len(n.Elems), len(n.Elems))
		for i, e := range n.Elems {
			if err := decodeNode(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Struct:
		if n.Kind != jsonpos.Object {
			return at(n, "%s is %s: expected an object", pathName(path), n.Kind)
		}
		fields := jsonFields(v.Type())
		for _, f := range n.Fields {
			i, ok := fields[f.Key]
			if !ok {
				var names []string
				for k := range fields {
					names = append(names, k)
				}
				return atField(&f, "%s has a field %q, which a trace does not have%s", pathName(path), f.Key, suggestName(f.Key, names))
			}
			if err := decodeNode(f.Value, v.Field(i), join(path, f.Key)); err != nil {
				return err
			}
		}
	default:
		return at(n, "%s: cannot decode into %s", pathName(path), v.Type())
	}
	return nil
}

// jsonFields maps the JSON names of a struct's fields to their indexes.
func jsonFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func pathName(path string) string {
	if path == "" {
		return "the trace"
	}
	return path
}

// compareNodes compares the file's node got with the replay's node want,
// in the file's order, and returns the first difference at its place.
func compareNodes(got, want *jsonpos.Node, path, where string) error {
	if got.Kind != want.Kind {
		return at(got, "%s is %s: the replay of %s expected %s", pathName(path), show(got), where, show(want))
	}
	switch got.Kind {
	case jsonpos.Object:
		for i := range got.Fields {
			f := &got.Fields[i]
			w := want.Get(f.Key)
			if w == nil {
				return atField(f, "%s is %s: the replay of %s has no %s here", join(path, f.Key), show(f.Value), where, f.Key)
			}
			if err := compareNodes(f.Value, w, join(path, f.Key), where); err != nil {
				return err
			}
		}
		for _, f := range want.Fields {
			if got.Get(f.Key) == nil {
				return at(got, "%s has no %q: the replay of %s expected %s", pathName(path), f.Key, where, show(f.Value))
			}
		}
	case jsonpos.Array:
		for i := range got.Elems {
			p := fmt.Sprintf("%s[%d]", path, i)
			if i >= len(want.Elems) {
				return at(got.Elems[i], "%s should not be there: the replay of %s has %d elements in %s", p, where, len(want.Elems), pathName(path))
			}
			if err := compareNodes(got.Elems[i], want.Elems[i], p, where); err != nil {
				return err
			}
		}
		if len(got.Elems) < len(want.Elems) {
			return at(got, "%s has %d elements: the replay of %s expected %d, the next being %s", pathName(path), len(got.Elems), where, len(want.Elems), show(want.Elems[len(got.Elems)]))
		}
	case jsonpos.Number:
		if got.Text != want.Text {
			g, err1 := strconv.ParseFloat(got.Text, 64)
			w, err2 := strconv.ParseFloat(want.Text, 64)
			if err1 != nil || err2 != nil || g != w {
				return at(got, "%s is %s: the replay of %s expected %s", pathName(path), got.Text, where, want.Text)
			}
		}
	case jsonpos.String:
		if got.Text != want.Text {
			return at(got, "%s is %q: the replay of %s expected %q", pathName(path), got.Text, where, want.Text)
		}
	case jsonpos.Bool:
		if got.Bool != want.Bool {
			return at(got, "%s is %t: the replay of %s expected %t", pathName(path), got.Bool, where, want.Bool)
		}
	}
	return nil
}

// show renders a value for an error message, short.
func show(n *jsonpos.Node) string {
	switch n.Kind {
	case jsonpos.String:
		s := n.Text
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return strconv.Quote(s)
	case jsonpos.Number:
		return n.Text
	case jsonpos.Bool:
		return strconv.FormatBool(n.Bool)
	case jsonpos.Null:
		return "null"
	case jsonpos.Array:
		return fmt.Sprintf("an array of %d", len(n.Elems))
	}
	if s := n.Get("state"); s != nil && s.Kind == jsonpos.String {
		return fmt.Sprintf("an object (state %q)", s.Text)
	}
	if s := n.Get("text"); s != nil && s.Kind == jsonpos.String {
		return fmt.Sprintf("an object (segment %q)", s.Text)
	}
	return "an object"
}
