package properties

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fileDec decodes one input file strictly, recording every problem with
// its position instead of stopping at the first.
type fileDec struct {
	name  string
	src   []byte
	order int // the file's place in the load, for sorting errors
	errs  *errorSink
	// lineStarts holds the byte offset where each line begins.
	lineStarts []int
}

// errorSink collects errors from every file of a load.
type errorSink struct {
	list  ErrorList
	order map[*Error]int
}

func (s *errorSink) add(order int, e *Error) {
	if s.order == nil {
		s.order = map[*Error]int{}
	}
	s.order[e] = order
	s.list = append(s.list, e)
}

// sorted returns the errors in file order, then by position, keeping the
// order of discovery for errors at the same place.
func (s *errorSink) sorted() ErrorList {
	out := append(ErrorList(nil), s.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if s.order[a] != s.order[b] {
			return s.order[a] < s.order[b]
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Pos.Col < b.Pos.Col
	})
	return out
}

func newFileDec(name string, src []byte, order int, errs *errorSink) *fileDec {
	f := &fileDec{name: name, src: src, order: order, errs: errs, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			f.lineStarts = append(f.lineStarts, i+1)
		}
	}
	return f
}

func (f *fileDec) pos(n *yaml.Node) Position {
	if n == nil {
		return Position{File: f.name, Line: 1, Col: 1}
	}
	return Position{File: f.name, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

func (f *fileDec) errAt(p Position, format string, args ...any) {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > maxEcho {
			args[i] = shorten(s)
		}
	}
	f.errs.add(f.order, &Error{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// maxEcho is the longest text a message quotes whole. Messages quote
// what they found (a name, a value, a line of the file), which in a
// broken or hostile file may be megabytes long; longer text is cut.
const maxEcho = 512

// shorten cuts s to its first 64 bytes (at a character boundary), and
// says how much was left out.
func shorten(s string) string {
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes)", s[:cut], len(s)-cut)
}

func (f *fileDec) errorf(n *yaml.Node, format string, args ...any) {
	f.errAt(f.pos(n), format, args...)
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse reads the file's single YAML document. It returns nil, with an
// error recorded, when the file is not YAML.
func (f *fileDec) parse() (root *yaml.Node) {
	defer func() {
		// The YAML library is not ours; whatever it does, a bad input
		// file is an error, never a crash.
		if r := recover(); r != nil {
			f.errAt(Position{File: f.name, Line: 1, Col: 1}, "the file is not valid YAML (%v)", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(strings.NewReader(string(f.src)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file defines nothing
		}
		f.yamlError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		f.errorf(&extra, "a file holds one YAML document; this is a second one")
	} else if !errors.Is(err, io.EOF) {
		f.yamlError(err)
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	return &doc
}

func (f *fileDec) yamlError(err error) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, m := range te.Errors {
			f.yamlMessage(m)
		}
		return
	}
	f.yamlMessage(err.Error())
}

func (f *fileDec) yamlMessage(m string) {
	if p, msg, ok := f.firstBadLine(); ok {
		f.errAt(p, "invalid YAML: %s", msg)
		return
	}
	if g := yamlLineErr.FindStringSubmatch(m); g != nil {
		line, _ := strconv.Atoi(g[1])
		f.errAt(Position{File: f.name, Line: max(line, 1), Col: 1}, "invalid YAML: %s", g[2])
		return
	}
	f.errAt(Position{File: f.name, Line: 1, Col: 1}, "invalid YAML: %s", strings.TrimPrefix(m, "yaml: "))
}

// maxRescanLines bounds firstBadLine, which parses prefixes of the file.
const maxRescanLines = 20000

// firstBadLine finds the line at which the file stops being YAML: the
// line after the longest prefix of whole lines that still parses. The YAML
// library reports where the enclosing block starts, which for a
// mis-indented key is often the top of the file; this is the line the
// author has to fix. (Searching back from the end, rather than taking the
// first prefix that fails, skips multi-line scalars that are merely
// unfinished in a short prefix.) The column is that line's first
// non-blank character.
func (f *fileDec) firstBadLine() (Position, string, bool) {
	n := len(f.lineStarts)
	if n > maxRescanLines {
		return Position{}, "", false
	}
	parse := func(k int) error {
		end := len(f.src)
		if k < n {
			end = f.lineStarts[k]
		}
		return func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("%v", r)
				}
			}()
			dec := yaml.NewDecoder(strings.NewReader(string(f.src[:end])))
			for {
				var doc yaml.Node
				if err := dec.Decode(&doc); err != nil {
					if errors.Is(err, io.EOF) {
						return nil
					}
					return err
				}
			}
		}()
	}
	// Gallop back from the end to a prefix that parses, then bisect:
	// O(log n) parses, where a linear scan would be quadratic.
	lo, hi := 0, n // prefix lo parses (the empty one does), prefix hi fails
	for step := 1; n-step > 0; step *= 2 {
		if parse(n-step) == nil {
			lo = n - step
			break
		}
		hi = n - step
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if parse(mid) == nil {
			lo = mid
		} else {
			hi = mid
		}
	}
	err := parse(hi)
	if err == nil {
		return Position{}, "", false
	}
	k := hi
	end := len(f.src)
	if k < n {
		end = f.lineStarts[k]
	}
	msg := err.Error()
	if g := yamlLineErr.FindStringSubmatch(msg); g != nil {
		msg = g[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := f.src[f.lineStarts[k-1]:end]
	col := 1
	for _, c := range string(line) {
		if c != ' ' && c != '\t' {
			break
		}
		col++
	}
	if col > utf8.RuneCount(line) {
		col = 1
	}
	return Position{File: f.name, Line: k, Col: col}, msg, true
}

// resolve follows aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// describe names what a node is, for "found ..." in messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "an alias"
}

// entry is one key of a mapping.
type entry struct {
	key      string
	keyNode  *yaml.Node
	valNode  *yaml.Node
	position Position
}

// fields decodes a mapping strictly: every key must be one of allowed
// (with the nearest valid key suggested otherwise), and no key may appear
// twice. It returns the entries by key and reports false when n is not a
// mapping at all.
func (f *fileDec) fields(n *yaml.Node, what string, allowed []string) (map[string]entry, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		f.errorf(n, "%s must be a mapping of keys to values, found %s", what, describe(n))
		return nil, false
	}
	out := map[string]entry{}
	ok := map[string]bool{}
	for _, k := range allowed {
		ok[k] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			f.errorf(k, "a key of %s must be a name, found %s", what, describe(k))
			continue
		}
		if k.Value == "<<" {
			f.errorf(k, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if !ok[k.Value] {
			f.errorf(k, "unknown key %q in %s%s", k.Value, what, suggestKey(k.Value, allowed))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			f.errorf(k, "key %q appears twice in %s (first at line %d)", k.Value, what, prev.position.Line)
			continue
		}
		out[k.Value] = entry{key: k.Value, keyNode: k, valNode: v, position: f.pos(k)}
	}
	return out, true
}

// suggestKey suggests the nearest valid key, or lists the valid keys.
func suggestKey(key string, allowed []string) string {
	if s := suggestFold(key, allowed); s != "" {
		return s
	}
	return fmt.Sprintf(" (expected one of %s)", strings.Join(allowed, ", "))
}

func (f *fileDec) str(key string, n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		f.errorf(n, "%q must be text, found %s", key, describe(n))
		return "", false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		// formula: !A.crashed is the tag "!A.crashed" on an empty value.
		text := strings.TrimSpace(n.Tag + " " + n.Value)
		f.errorf(n, "%q starts with \"!\", which YAML reads as a tag (%s), not as text: quote the value, as in %s: %q", key, n.Tag, key, text)
		return "", false
	}
	return n.Value, true
}

func (f *fileDec) integer(key string, n *yaml.Node) (int, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		f.errorf(n, "%q must be a whole number, found %s", key, describe(n))
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 0, 32)
	if err != nil {
		f.errorf(n, "%q must be a whole number, found %s", key, describe(n))
		return 0, false
	}
	return int(v), true
}

// intRange decodes an integer within lo..hi.
func (f *fileDec) intRange(key string, n *yaml.Node, lo, hi int) (int, bool) {
	v, ok := f.integer(key, n)
	if !ok {
		return 0, false
	}
	if v < lo || v > hi {
		f.errorf(resolve(n), "%q must be between %d and %d, found %d", key, lo, hi, v)
		return 0, false
	}
	return v, true
}

func (f *fileDec) boolean(key string, n *yaml.Node) (bool, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		f.errorf(n, "%q must be true or false, found %s", key, describe(n))
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

// list returns the items of a sequence; a single scalar counts as a list
// of one, so "rfc: RFC 9293 3.5" and "rfc: [RFC 9293 3.5]" both work.
func (f *fileDec) list(key string, n *yaml.Node) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n != nil && n.Kind == yaml.SequenceNode {
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolve(c)
		}
		return out, true
	}
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return []*yaml.Node{n}, true
	}
	f.errorf(n, "%q must be a list, found %s", key, describe(n))
	return nil, false
}

// strList decodes a list of text items.
func (f *fileDec) strList(key string, n *yaml.Node) ([]string, []*yaml.Node, bool) {
	items, ok := f.list(key, n)
	if !ok {
		return nil, nil, false
	}
	var out []string
	var nodes []*yaml.Node
	all := true
	for _, it := range items {
		s, ok := f.str(key, it)
		if !ok {
			all = false
			continue
		}
		out = append(out, s)
		nodes = append(nodes, it)
	}
	return out, nodes, all
}

// offsetPos maps a byte offset in a scalar's value to its position in the
// file. It aligns the value with the source text from the scalar's start,
// skipping what YAML removed (quotes, indentation, folded line breaks), so
// it is exact for the single-line and block formulas people write and
// close for the rest.
func (f *fileDec) offsetPos(n *yaml.Node, value string, off int) Position {
	p := f.pos(n)
	if n == nil || n.Line < 1 || n.Line > len(f.lineStarts) {
		return p
	}
	si := f.lineStarts[n.Line-1]
	// Advance to the scalar's column (counted in characters).
	for col := 1; col < n.Column && si < len(f.src) && f.src[si] != '\n'; col++ {
		_, w := utf8.DecodeRune(f.src[si:])
		si += w
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// The text starts on the line after the "|" or ">" header.
		for si < len(f.src) && f.src[si] != '\n' {
			si++
		}
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		si++
	}
	if off > len(value) {
		off = len(value)
	}
	vi := 0
	for si < len(f.src) && vi < off {
		if f.src[si] == value[vi] {
			vi++
		}
		si++
	}
	// Skip what YAML dropped before the character at off.
	for si < len(f.src) && off < len(value) && f.src[si] != value[off] {
		si++
	}
	if si > len(f.src) || vi < off {
		return p
	}
	return f.offsetToPos(si)
}

// offsetToPos turns a byte offset of the source into a line and column
// (columns count characters, as YAML's do).
func (f *fileDec) offsetToPos(off int) Position {
	line := sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > off }) // first start after off
	start := f.lineStarts[line-1]
	col := utf8.RuneCount(f.src[start:min(off, len(f.src))]) + 1
	return Position{File: f.name, Line: line, Col: col}
}

// sourceLine renders line ln of the file with a caret under column col.
func (f *fileDec) sourceLine(ln, col int) string {
	if ln < 1 || ln > len(f.lineStarts) {
		return ""
	}
	start := f.lineStarts[ln-1]
	end := len(f.src)
	if ln < len(f.lineStarts) {
		end = f.lineStarts[ln] - 1
	}
	line := []rune(strings.TrimRight(string(f.src[start:end]), "\r"))
	// A long line is shown as a window around the column, so that the
	// message stays short (see maxEcho) and the caret stays in view.
	const width, before = 100, 40
	prefix, suffix := "", ""
	if len(line) > width {
		from := min(max(col-1-before, 0), len(line)-width)
		if from > 0 {
			prefix = "..."
		}
		if from+width < len(line) {
			suffix = "..."
		}
		line = line[from : from+width]
		col -= from
	}
	pad := []rune(prefix)
	for i := range pad {
		pad[i] = ' '
	}
	for i, r := range line {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return "\n\t" + prefix + string(line) + suffix + "\n\t" + string(pad) + "^"
}
