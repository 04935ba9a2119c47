package properties

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// DefaultModel is the model a property runs on when it names none.
const DefaultModel = "client-server"

// Limits on what one load reads, so that a hostile or broken input costs
// an error message, not the machine: a 26 MB file once took 1.6 GB to
// parse, and 100,000 aliases of one property printed 11.7 MB of errors.
// docs/properties.md documents them.
const (
	// MaxFileSize is the largest file Load reads, in bytes. The default
	// set is about 60 KiB.
	MaxFileSize = 4 << 20
	// MaxProperties and MaxModels bound the properties and models of one
	// load, across all its files.
	MaxProperties = 10000
	MaxModels     = 10000
	// MaxNameLength is the longest model or property name, in bytes.
	MaxNameLength = 256
)

// Kinds beyond checker.Kind's names.
const (
	// KindNecessity claims that a protocol element is necessary for a
	// property: it holds, and fails once a mutation removes the element.
	KindNecessity = "necessity"
	// KindCoverage claims that every listed arc of RFC 9293 Figure 5 (or
	// row of the table) fires in some reachable transition of the model.
	KindCoverage = "coverage"
)

// Kinds lists the property kinds the language accepts.
func Kinds() []string {
	var out []string
	for k := checker.Invariant; k <= checker.LeadsTo; k++ {
		out = append(out, k.String())
	}
	return append(out, KindNecessity, KindCoverage)
}

//go:embed defaults/*.yaml
var defaultFS embed.FS

// defaultDir is where the default files live, in the binary and in the
// source tree; their positions are reported under this name.
const defaultDir = "defaults"

// DefaultFiles returns the names and contents of the embedded default
// files, models first, in load order.
func DefaultFiles() (names []string, data [][]byte) {
	entries, err := fs.ReadDir(defaultFS, defaultDir)
	if err != nil {
		return nil, nil
	}
	sort.Slice(entries, func(i, j int) bool {
		mi, mj := entries[i].Name() == "models.yaml", entries[j].Name() == "models.yaml"
		if mi != mj {
			return mi
		}
		return entries[i].Name() < entries[j].Name()
	})
	for _, e := range entries {
		b, err := defaultFS.ReadFile(defaultDir + "/" + e.Name())
		if err != nil {
			continue
		}
		names = append(names, defaultDir+"/"+e.Name())
		data = append(data, b)
	}
	return names, data
}

// LoadDefault loads the default set: the default models and properties
// embedded in the binary.
func LoadDefault() (*Suite, error) {
	l := newLoader()
	l.addDefaults(true)
	return l.finish()
}

// Load loads the given property and model files, together with the default
// models (so a property may run on a default model), but not the default
// properties. A directory stands for the .yaml and .yml files in it, in
// name order. Problems in the files are reported as an ErrorList, every
// problem of every file at once.
func Load(paths []string) (*Suite, error) {
	l := newLoader()
	l.addDefaults(false)
	type seenFile struct {
		name, arg string // the file, and the path given that named it
		fi        fs.FileInfo
	}
	var seen []seenFile
	for _, p := range paths {
		files, err := expandPath(p)
		if err != nil {
			l.errs.add(len(l.files), &Error{Pos: Position{File: p, Line: 1, Col: 1}, Msg: "cannot read: " + unwrapPathError(err)})
			continue
		}
	files:
		for _, name := range files {
			// The same file twice (or a file and its directory) would
			// define everything twice, each "already defined" at itself.
			if fi, err := os.Stat(name); err == nil {
				for _, prev := range seen {
					if os.SameFile(prev.fi, fi) {
						how := "this file is already loaded"
						if prev.name != name {
							how += " as " + prev.name
						}
						if prev.arg != prev.name {
							how += " (from the directory " + prev.arg + ")"
						}
						if p != name {
							how += ", and the directory " + p + " holds it too"
						}
						l.errs.add(len(l.files), &Error{Pos: Position{File: name, Line: 1, Col: 1}, Msg: how + "; name each file once (a directory stands for the .yaml and .yml files in it)"})
						continue files
					}
				}
				seen = append(seen, seenFile{name, p, fi})
			}
			data, err := readLimited(name)
			if err != nil {
				l.errs.add(len(l.files), &Error{Pos: Position{File: name, Line: 1, Col: 1}, Msg: err.Error()})
				continue
			}
			l.addFile(name, data, true)
		}
	}
	return l.finish()
}

// readLimited reads a file of at most MaxFileSize bytes. It reads no more
// than one byte past the limit, whatever the file (a device, a pipe).
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", unwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", unwrapPathError(err))
	}
	if len(data) > MaxFileSize {
		size := "more than 4 MiB"
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fmt.Sprintf("%.1f MiB", float64(fi.Size())/(1<<20))
		}
		return nil, errors.New(tooLargeMsg(size))
	}
	return data, nil
}

// tooLargeMsg says that a file of the given size is over MaxFileSize.
func tooLargeMsg(size string) string {
	return fmt.Sprintf("the file is %s: a property file may be at most %d MiB (%d bytes); split it into several files", size, MaxFileSize>>20, MaxFileSize)
}

// Parse loads one file from memory, together with the default models, as
// Load does for a file on disk.
func Parse(filename string, data []byte) (*Suite, error) {
	l := newLoader()
	l.addDefaults(false)
	if len(data) > MaxFileSize {
		l.errs.add(0, &Error{Pos: Position{File: filename, Line: 1, Col: 1}, Msg: tooLargeMsg(fmt.Sprintf("%.1f MiB", float64(len(data))/(1<<20)))})
		return l.finish()
	}
	l.addFile(filename, data, true)
	return l.finish()
}

func expandPath(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			out = append(out, filepath.Join(p, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// loader gathers the files of one load.
type loader struct {
	errs      errorSink
	files     []*fileDec
	models    map[string]*modelDecl
	modelList []*modelDecl
	props     []*propDecl
	propNames map[string]*propDecl
	// modelItems and propItems count the entries of the "models" and
	// "properties" lists read so far, against MaxModels and MaxProperties.
	modelItems, propItems int
}

func newLoader() *loader {
	return &loader{models: map[string]*modelDecl{}, propNames: map[string]*propDecl{}}
}

func (l *loader) addDefaults(withProps bool) {
	for _, d := range parsedDefaults() {
		l.addParsed(d.name, d.data, d.root, withProps)
	}
}

// parsedDefault is a default file with its YAML tree, which the loader
// only reads, so one tree serves every load.
type parsedDefault struct {
	name string
	data []byte
	root *yaml.Node
}

var (
	defaultsOnce   sync.Once
	defaultsParsed []parsedDefault
)

func parsedDefaults() []parsedDefault {
	defaultsOnce.Do(func() {
		names, data := DefaultFiles()
		for i := range names {
			var sink errorSink
			root := newFileDec(names[i], data[i], 0, &sink).parse()
			defaultsParsed = append(defaultsParsed, parsedDefault{names[i], data[i], root})
		}
	})
	return defaultsParsed
}

var fileKeys = []string{"models", "properties"}

// addFile decodes a file's models and, if withProps, its properties.
func (l *loader) addFile(name string, data []byte, withProps bool) {
	f := newFileDec(name, data, len(l.files), &l.errs)
	l.files = append(l.files, f)
	l.decodeFile(f, f.parse(), withProps)
}

// addParsed adds a file whose YAML tree is already parsed.
func (l *loader) addParsed(name string, data []byte, root *yaml.Node, withProps bool) {
	f := newFileDec(name, data, len(l.files), &l.errs)
	l.files = append(l.files, f)
	l.decodeFile(f, root, withProps)
}

func (l *loader) decodeFile(f *fileDec, root *yaml.Node, withProps bool) {
	if root == nil {
		return
	}
	fs, ok := f.fields(root, "a property file", fileKeys)
	if !ok {
		return
	}
	if e, ok := fs["models"]; ok {
		v := resolve(e.valNode)
		if v == nil || v.Kind != yaml.SequenceNode {
			f.errorf(v, "\"models\" must be a list of models, found %s", describe(v))
		} else {
			for _, n := range v.Content {
				if l.modelItems++; l.modelItems > MaxModels {
					f.errorf(n, "too many models: a run may define at most %d (the default models included); this one and those after it are not read", MaxModels)
					break
				}
				d := f.decodeModel(n)
				if d == nil {
					continue
				}
				if d.out.Name != "" {
					if prev, dup := l.models[d.out.Name]; dup {
						f.errorf(n, "model %q is already defined at %s", d.out.Name, prev.out.Pos)
						continue
					}
					l.models[d.out.Name] = d
				}
				l.modelList = append(l.modelList, d)
			}
		}
	}
	if e, ok := fs["properties"]; ok && withProps {
		v := resolve(e.valNode)
		if v == nil || v.Kind != yaml.SequenceNode {
			f.errorf(v, "\"properties\" must be a list of properties, found %s", describe(v))
		} else {
			for _, n := range v.Content {
				if l.propItems++; l.propItems > MaxProperties {
					f.errorf(n, "too many properties: a run may load at most %d; this one and those after it are not read", MaxProperties)
					break
				}
				d := f.decodeProperty(n)
				if d == nil {
					continue
				}
				if d.p.Name != "" {
					if prev, dup := l.propNames[d.p.Name]; dup {
						f.errorf(n, "property %q is already defined at %s", d.p.Name, prev.p.Pos)
						continue
					}
					l.propNames[d.p.Name] = d
				}
				l.props = append(l.props, d)
			}
		}
	}
}

func (l *loader) modelNames() []string {
	var out []string
	for _, d := range l.modelList {
		out = append(out, d.out.Name)
	}
	return out
}

// finish resolves models, compiles properties and returns the suite, or
// every error found.
func (l *loader) finish() (*Suite, error) {
	l.resolveModels()
	for _, d := range l.props {
		l.compileProperty(d)
	}
	if len(l.errs.list) > 0 {
		return nil, l.errs.sorted()
	}
	s := &Suite{}
	for _, d := range l.modelList {
		s.Models = append(s.Models, d.out)
	}
	for _, d := range l.props {
		s.Properties = append(s.Properties, d.p)
	}
	return s, nil
}

var (
	propertyKeys = []string{"name", "description", "why", "kind", "formula", "model", "fairness", "rfc", "expect", "vacuous", "counterexample", "mutant", "property-kind", "mutation", "arcs", "rows"}
	mutantKeys   = []string{"extends", "variant", "overlay", "a", "b", "network", "retries", "user-timeout", "reopens", "reuse-isn", "time-wait", "expect"}
)

// propDecl is a property being loaded.
type propDecl struct {
	p        *Property
	f        *fileDec
	node     *yaml.Node
	fields   map[string]entry
	ok       bool
	fairness []checker.Fairness
	kind     checker.Kind // the checker kind of the formula
}

func (f *fileDec) decodeProperty(n *yaml.Node) *propDecl {
	fs, ok := f.fields(n, "a property", propertyKeys)
	if !ok {
		return nil
	}
	d := &propDecl{p: &Property{Pos: f.pos(n), Expect: checker.Holds}, f: f, node: resolve(n), fields: fs, ok: true}
	p := d.p
	if e, ok := fs["name"]; ok {
		if s, ok := f.nameValue("property", e.valNode); ok {
			p.Name = s
		} else {
			d.ok = false
		}
	} else {
		f.errorf(n, "a property needs a name")
		d.ok = false
	}
	for _, k := range []struct {
		key string
		dst *string
	}{{"description", &p.Description}, {"why", &p.Why}, {"counterexample", &p.Counterexample}, {"formula", &p.Formula}, {"model", &p.ModelName}} {
		if e, ok := fs[k.key]; ok {
			if s, ok := f.str(k.key, e.valNode); ok {
				if k.key == "formula" {
					*k.dst = s
				} else {
					*k.dst = strings.TrimSpace(s)
				}
			} else {
				d.ok = false
			}
		}
	}
	if e, ok := fs["kind"]; ok {
		if s, ok := f.str("kind", e.valNode); ok {
			if !validKind(s) {
				f.errorf(resolve(e.valNode), "unknown kind %q%s", s, suggestKey(s, Kinds()))
				d.ok = false
			} else {
				p.Kind = s
			}
		} else {
			d.ok = false
		}
	} else {
		if p.Name == "" {
			f.errorf(n, "a property needs a kind (one of %s)", strings.Join(Kinds(), ", "))
		} else {
			f.errorf(n, "property %q needs a kind (one of %s)", p.Name, strings.Join(Kinds(), ", "))
		}
		d.ok = false
	}
	if e, ok := fs["expect"]; ok {
		if s, ok := f.str("expect", e.valNode); ok {
			v, err := checker.ParseVerdict(s)
			if err != nil || v == checker.Inconclusive {
				f.errorf(resolve(e.valNode), "an expected verdict is holds or violated, found %q%s", s, suggestFold(s, []string{"holds", "violated"}))
				d.ok = false
			} else {
				p.Expect = v
			}
		} else {
			d.ok = false
		}
	}
	if e, ok := fs["vacuous"]; ok {
		// A vacuous pass fails unless the property says it is meant: a
		// leads-to whose trigger never comes, or an eventually true from
		// the start, proves nothing, and must not pass silently.
		if s, ok := f.str("vacuous", e.valNode); ok {
			switch {
			case s != "expected":
				f.errorf(resolve(e.valNode), "vacuous takes the one value \"expected\" (a property whose pass is vacuous on purpose), found %q", s)
				d.ok = false
			case p.Expect != checker.Holds:
				f.errorf(e.keyNode, "vacuous: expected goes with expect: holds, since only a pass can be vacuous; this property expects %s", p.Expect)
				d.ok = false
			default:
				p.VacuousExpected = true
			}
		} else {
			d.ok = false
		}
	}
	if e, ok := fs["rfc"]; ok {
		if refs, _, ok := f.strList("rfc", e.valNode); ok {
			p.RFC = refs
		} else {
			d.ok = false
		}
	}
	if e, ok := fs["fairness"]; ok {
		if fa, ok := f.decodeFairness(e.valNode); ok {
			d.fairness = fa
		} else {
			d.ok = false
		}
	}
	return d
}

func validKind(s string) bool {
	for _, k := range Kinds() {
		if k == s {
			return true
		}
	}
	return false
}

// decodeFairness decodes a list such as [weak timers, weak delivery].
func (f *fileDec) decodeFairness(n *yaml.Node) ([]checker.Fairness, bool) {
	items, ok := f.list("fairness", n)
	if !ok {
		return nil, false
	}
	classes := []string{"timers", "users", "delivery", "all"}
	var out []checker.Fairness
	good := true
	for _, it := range items {
		s, ok := f.str("fairness", it)
		if !ok {
			good = false
			continue
		}
		words := strings.Fields(s)
		if len(words) != 2 || (words[0] != "weak" && words[0] != "strong") {
			f.errorf(it, "a fairness assumption is \"weak\" or \"strong\" followed by timers, users, delivery or all, as in \"weak timers\"; found %q", s)
			good = false
			continue
		}
		c, err := checker.ParseActionClass(words[1])
		if err != nil {
			f.errorf(it, "unknown action class %q in fairness%s", words[1], suggestKey(words[1], classes))
			good = false
			continue
		}
		out = append(out, checker.Fairness{Strong: words[0] == "strong", Class: c})
	}
	return out, good
}

// compileProperty compiles a decoded property against its model.
func (l *loader) compileProperty(d *propDecl) {
	if !d.ok {
		return
	}
	p, f, fs := d.p, d.f, d.fields
	modelName := p.ModelName
	if modelName == "" {
		modelName = DefaultModel
	}
	md, ok := l.models[modelName]
	if !ok {
		at := d.node
		if e, ok := fs["model"]; ok {
			at = resolve(e.valNode)
		}
		f.errorf(at, "property %q runs on model %q, which does not exist%s", p.Name, modelName, suggest(modelName, l.modelNames()))
		return
	}
	p.ModelName = modelName
	p.model = md.out
	modelOK := md.ok

	// Keys that only some kinds take.
	only := func(key string, kinds ...string) {
		e, ok := fs[key]
		if !ok {
			return
		}
		for _, k := range kinds {
			if p.Kind == k {
				return
			}
		}
		f.errorf(e.keyNode, "%q applies only to %s properties, not to %s", key, strings.Join(kinds, " and "), p.Kind)
		d.ok = false
	}
	only("property-kind", KindNecessity)
	only("mutation", KindNecessity)
	only("arcs", KindCoverage)
	only("rows", KindCoverage)
	if !d.ok {
		return
	}

	kind := p.Kind
	if kind == KindNecessity {
		e, ok := fs["property-kind"]
		if !ok {
			f.errorf(d.node, "necessity property %q needs \"property-kind\": the kind of the property the element is necessary for", p.Name)
			return
		}
		s, ok := f.str("property-kind", e.valNode)
		if !ok {
			return
		}
		if _, err := checker.ParseKind(s); err != nil {
			f.errorf(resolve(e.valNode), "unknown property kind %q%s", s, suggestKey(s, Kinds()[:checker.LeadsTo+1]))
			return
		}
		kind = s
	}
	if kind == KindCoverage {
		if e, ok := fs["formula"]; ok {
			f.errorf(e.keyNode, "a coverage property lists \"arcs\" and \"rows\" instead of a formula")
			return
		}
		for _, key := range []string{"fairness", "vacuous"} {
			if e, ok := fs[key]; ok {
				f.errorf(e.keyNode, "%s applies only to eventually and leads-to properties", key)
				return
			}
		}
		if modelOK {
			l.compileCoverage(d, md.out.Model.Table)
		}
		l.compileMutant(d, md)
		return
	}
	ck, _ := checker.ParseKind(kind)
	if e, ok := fs["fairness"]; ok && ck.Safety() {
		f.errorf(e.keyNode, "fairness applies only to eventually and leads-to properties, not to %s", kind)
		return
	}
	if e, ok := fs["vacuous"]; ok && ck.Safety() {
		// For a necessity claim, kind is its property-kind.
		f.errorf(e.keyNode, "vacuous applies only to eventually and leads-to properties, not to %s", kind)
		return
	}
	if p.Kind == KindNecessity {
		if _, ok := fs["mutation"]; !ok {
			f.errorf(d.node, "necessity property %q needs \"mutation\": the variant or overlay that removes the element", p.Name)
			return
		}
	}
	d.kind = ck
	prop, nec, ok := l.build(d, &md.out.Model, modelOK)
	if !ok {
		return
	}
	p.Check, p.Necessity = prop, nec
	l.compileMutant(d, md)
}

// build compiles a property for model m: its formula (some names, such
// as full, depend on the model) and, for a necessity claim, its mutation
// of m's table. With tableOK false, only the formula is checked.
func (l *loader) build(d *propDecl, m *checker.Model, tableOK bool) (checker.Property, *checker.Necessity, bool) {
	prop, ok := l.compileFormula(d, d.kind, m)
	if !ok {
		return prop, nil, false
	}
	prop.Name = d.p.Name
	prop.Fairness = d.fairness
	if d.p.Kind != KindNecessity {
		return prop, nil, true
	}
	nec := &checker.Necessity{Name: d.p.Name, Property: prop}
	if tableOK {
		ov, ok := l.mutation(d.f, d.fields["mutation"].valNode, m.Table)
		if !ok {
			return prop, nil, false
		}
		nec.Mutation = ov
	}
	return prop, nec, true
}

// mutation decodes a necessity claim's mutation: a variant's name, or an
// overlay written out.
func (l *loader) mutation(f *fileDec, n *yaml.Node, base *spec.Table) (spec.Overlay, bool) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		ov, ok := variantOverlay(n.Value)
		if !ok || n.Value == spec.DefaultVariant {
			f.errorf(n, "unknown variant %q for a mutation%s", n.Value, suggestKey(n.Value, spec.VariantNames()[1:]))
			return spec.Overlay{}, false
		}
		return ov, true
	}
	o := f.decodeOverlay(n)
	if o == nil {
		return spec.Overlay{}, false
	}
	ov, ok := o.build(base)
	if !ok {
		return spec.Overlay{}, false
	}
	if _, err := applyOverlay(base, ov); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			f.errorf(n, "the mutation cannot be applied: %s", line)
		}
		return spec.Overlay{}, false
	}
	return ov, true
}

// compileFormula compiles the formula of a property of kind k for model m.
func (l *loader) compileFormula(d *propDecl, k checker.Kind, model *checker.Model) (checker.Property, bool) {
	p, f := d.p, d.f
	prop := checker.Property{Kind: k}
	e, has := d.fields["formula"]
	if !has {
		if k == checker.DeadlockFree {
			return prop, true // the checker's default notion of a valid end state
		}
		f.errorf(d.node, "property %q needs a formula", p.Name)
		return prop, false
	}
	node := resolve(e.valNode)
	fail := func(err *exprError) (checker.Property, bool) {
		pos := f.offsetPos(node, p.Formula, err.pos)
		f.errAt(pos, "%s%s", err.msg, f.sourceLine(pos.Line, pos.Col))
		return prop, false
	}
	pn, qn, perr := parseFormula(p.Formula)
	if perr != nil {
		return fail(perr)
	}
	if k == checker.LeadsTo && qn == nil {
		return fail(&exprError{len(strings.TrimRight(p.Formula, " \t\n")), `a leads-to formula has the form P ~> Q ("whenever P, eventually Q"); "~>" is missing`})
	}
	if k != checker.LeadsTo && qn != nil {
		return fail(&exprError{strings.Index(p.Formula, "~>"), fmt.Sprintf(`"~>" belongs to leads-to properties, not to %s`, k)})
	}
	m := stateMode
	if k == checker.StepInvariant {
		m = stepMode
	}
	pf, cerr := compilePred(pn, m, model)
	if cerr != nil {
		return fail(cerr)
	}
	switch k {
	case checker.StepInvariant:
		prop.Step = stepPred(pf)
	case checker.DeadlockFree:
		prop.ValidEnd = statePred(pf)
	case checker.LeadsTo:
		qf, cerr := compilePred(qn, m, model)
		if cerr != nil {
			return fail(cerr)
		}
		prop.P, prop.Q = statePred(pf), statePred(qf)
	default:
		prop.Pred = statePred(pf)
	}
	return prop, true
}

// compileCoverage decodes the arcs and rows a coverage property lists.
func (l *loader) compileCoverage(d *propDecl, t *spec.Table) {
	f, fs := d.f, d.fields
	cov := &Coverage{}
	eA, hasArcs := fs["arcs"]
	eR, hasRows := fs["rows"]
	if !hasArcs && !hasRows {
		f.errorf(d.node, "coverage property %q needs \"arcs\" (numbers 1 to 20, or all) or \"rows\" (row IDs)", d.p.Name)
		return
	}
	if hasArcs {
		v := resolve(eA.valNode)
		if v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == "all" {
			for a := 1; a <= 20; a++ {
				cov.Arcs = append(cov.Arcs, a)
			}
		} else {
			items, ok := f.list("arcs", v)
			if !ok {
				return
			}
			for _, it := range items {
				a, ok := f.intRange("arcs", it, 1, 20)
				if !ok {
					return
				}
				cov.Arcs = append(cov.Arcs, a)
			}
		}
	}
	if hasRows {
		ids, nodes, ok := f.strList("rows", eR.valNode)
		if !ok {
			return
		}
		all := rowIDs(t)
		for i, id := range ids {
			if _, found := t.RowIndex(id); !found {
				f.errorf(nodes[i], "the table of model %q has no row %q%s", d.p.ModelName, id, suggest(id, all))
				return
			}
		}
		cov.Rows = ids
	}
	d.p.Coverage = cov
	d.p.Formula = cov.String()
	d.p.Check = checker.Property{Name: d.p.Name, Kind: checker.Reachable}
}

// compileMutant decodes the mutant a property is contrasted with: a
// model that extends the property's model (or the one it names) and
// changes some of its settings, with the verdict expected there.
func (l *loader) compileMutant(d *propDecl, md *modelDecl) {
	e, ok := d.fields["mutant"]
	if !ok {
		return
	}
	f := d.f
	fs, ok := f.fields(e.valNode, "a mutant", mutantKeys)
	if !ok {
		return
	}
	n := resolve(e.valNode)
	changes := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		if resolve(n.Content[i]).Value != "expect" {
			changes++
		}
	}
	if changes == 0 {
		f.errorf(n, "a mutant needs something to change: a variant, an overlay, another model (extends) or a setting")
		return
	}
	mu := &Mutant{Pos: f.pos(n), Expect: checker.Violated}
	if ee, ok := fs["expect"]; ok {
		s, ok := f.str("expect", ee.valNode)
		if !ok {
			return
		}
		v, err := checker.ParseVerdict(s)
		if err != nil || v == checker.Inconclusive {
			f.errorf(resolve(ee.valNode), "an expected verdict is holds or violated, found %q%s", s, suggestFold(s, []string{"holds", "violated"}))
			return
		}
		mu.Expect = v
	}
	decl := f.modelFields(n, fs)
	decl.out.Name = "mutant of " + d.p.Name
	if decl.extends == "" {
		decl.extends, decl.extendsNode = md.out.Name, n
	}
	if !l.resolveModel(decl) {
		return
	}
	var what []string
	for _, k := range mutantKeys {
		if me, ok := fs[k]; ok && k != "expect" {
			what = append(what, k+": "+flow(me.valNode))
		}
	}
	mu.Description = strings.Join(what, ", ")
	decl.out.Description = "the mutant of " + d.p.Name + ": " + mu.Description
	mu.Model = decl.out
	if d.p.Coverage == nil {
		prop, nec, ok := l.build(d, &decl.out.Model, true)
		if !ok {
			return
		}
		mu.check, mu.necessity = prop, nec
	}
	d.p.Mutant = mu
}

// flow renders a YAML value on one line, for descriptions.
func flow(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, flow(n.Content[i])+": "+flow(n.Content[i+1]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.SequenceNode:
		var parts []string
		for _, c := range n.Content {
			parts = append(parts, flow(c))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return n.Value
}

// String renders the coverage claim, as the Formula of the property.
func (c *Coverage) String() string {
	var parts []string
	if len(c.Arcs) > 0 {
		var as []string
		for _, a := range c.Arcs {
			as = append(as, fmt.Sprint(a))
		}
		parts = append(parts, "arcs "+strings.Join(as, ", "))
	}
	if len(c.Rows) > 0 {
		parts = append(parts, "rows "+strings.Join(c.Rows, ", "))
	}
	return "fires: " + strings.Join(parts, "; ")
}
