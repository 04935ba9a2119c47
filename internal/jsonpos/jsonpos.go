// Package jsonpos parses JSON into a tree that remembers where each value
// starts, as a line and a column, so that an error about a field of an
// input file can say where that field is. It refuses what encoding/json
// refuses, and also an object that holds the same key twice, which
// encoding/json accepts silently (the last one wins) and which would let a
// file say two things at once.
//
// Lines and columns count from 1; a column counts bytes, as the Go
// compiler's do.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Kind is the kind of a JSON value.
type Kind uint8

// The kinds of value.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind as an error message says it.
func (k Kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// Node is one JSON value and where it starts.
type Node struct {
	Kind      Kind
	Line, Col int
	// Bool is the value of a Bool; Text is the value of a String, and the
	// literal of a Number as written ("1e2").
	Bool bool
	Text string
	// Elems are the elements of an Array.
	Elems []*Node
	// Fields are the members of an Object, in the order of the input.
	Fields []Field
}

// Field is one member of an object.
type Field struct {
	Key string
	// Line and Col locate the key.
	Line, Col int
	Value     *Node
}

// Get returns the value of the member key of an object, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return n.Fields[i].Value
		}
	}
	return nil
}

// Field returns the member key of an object, or nil.
func (n *Node) Field(key string) *Field {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return &n.Fields[i]
		}
	}
	return nil
}

// Error is a syntax error, or a duplicate key, at a place in the input.
type Error struct {
	Line, Col int
	Msg       string
}

// Error renders "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// lines converts byte offsets to lines and columns.
type lines struct {
	starts []int // offset of the first byte of each line
}

func newLines(data []byte) *lines {
	l := &lines{starts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// at returns the line and column of byte offset off.
func (l *lines) at(off int) (line, col int) {
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - l.starts[lo] + 1
}

// Position returns the line and column of byte offset off in data, for a
// caller that holds an offset of its own (such as a json.SyntaxError's).
func Position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	return newLines(data).at(off)
}

type parser struct {
	data []byte
	dec  *json.Decoder
	ln   *lines
}

// Parse parses data, which must hold exactly one JSON value.
func Parse(data []byte) (*Node, error) {
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), ln: newLines(data)}
	p.dec.UseNumber()
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	if off, tok, err := p.token(); err != io.EOF {
		if err != nil {
			return nil, err
		}
		line, col := p.ln.at(off)
		return nil, &Error{line, col, fmt.Sprintf("unexpected %s after the end of the JSON value", describe(tok))}
	}
	return n, nil
}

// token reads the next token and returns the offset where it starts.
func (p *parser) token() (int, json.Token, error) {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	tok, err := p.dec.Token()
	if err != nil && err != io.EOF {
		// A json.SyntaxError's offset counts from the start of the
		// decoder's current value, not of the input; the token that
		// failed starts at off.
		line, col := p.ln.at(off)
		msg := err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			line, col = p.ln.at(len(p.data))
			msg = "the JSON ends too early"
		}
		return off, nil, &Error{line, col, msg}
	}
	return off, tok, err
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(string(t))
	case string:
		return "string " + strconv.Quote(t)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// maxDepth bounds the nesting of arrays and objects, well above what a
// trace or a report needs, so a hostile file cannot exhaust the stack.
const maxDepth = 64

func (p *parser) value() (*Node, error) { return p.valueAt(0) }

func (p *parser) valueAt(depth int) (*Node, error) {
	off, tok, err := p.token()
	if err == io.EOF {
		line, col := p.ln.at(off)
		return nil, &Error{line, col, "the JSON ends too early: expected a value"}
	}
	if err != nil {
		return nil, err
	}
	return p.node(off, tok, depth)
}

func (p *parser) node(off int, tok json.Token, depth int) (*Node, error) {
	line, col := p.ln.at(off)
	n := &Node{Line: line, Col: col}
	switch t := tok.(type) {
	case nil:
		n.Kind = Null
	case bool:
		n.Kind, n.Bool = Bool, t
	case json.Number:
		n.Kind, n.Text = Number, string(t)
	case string:
		n.Kind, n.Text = String, t
	case json.Delim:
		if depth >= maxDepth {
			return nil, &Error{line, col, fmt.Sprintf("nested more than %d levels deep", maxDepth)}
		}
		switch t {
		case '[':
			n.Kind = Array
			for {
				off, tok, err := p.token()
				if err != nil {
					return nil, p.eof(err)
				}
				if tok == json.Delim(']') {
					return n, nil
				}
				e, err := p.node(off, tok, depth+1)
				if err != nil {
					return nil, err
				}
				n.Elems = append(n.Elems, e)
			}
		case '{':
			n.Kind = Object
			seen := map[string]int{}
			for {
				off, tok, err := p.token()
				if err != nil {
					return nil, p.eof(err)
				}
				if tok == json.Delim('}') {
					return n, nil
				}
				key, _ := tok.(string)
				kl, kc := p.ln.at(off)
				if first, dup := seen[key]; dup {
					f := n.Fields[first]
					return nil, &Error{kl, kc, fmt.Sprintf("duplicate key %q: the object already has it at %d:%d, and a field may be given only once", key, f.Line, f.Col)}
				}
				v, err := p.valueAt(depth + 1)
				if err != nil {
					return nil, err
				}
				seen[key] = len(n.Fields)
				n.Fields = append(n.Fields, Field{Key: key, Line: kl, Col: kc, Value: v})
			}
		}
	}
	return n, nil
}

// eof turns the end of the input inside an array or object into an error.
func (p *parser) eof(err error) error {
	if err == io.EOF {
		line, col := p.ln.at(len(p.data))
		return &Error{line, col, "the JSON ends too early"}
	}
	return err
}
