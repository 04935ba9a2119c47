package properties

import (
	"fmt"
	"strconv"
	"strings"
)

// This file is the lexer and parser of the formula language. The grammar,
// from the loosest binding to the tightest:
//
//	formula  = expr [ "~>" expr ]                  (leads-to only)
//	expr     = implies
//	implies  = or [ "=>" implies ]                 (right associative)
//	or       = and { "||" and }
//	and      = not { "&&" not }
//	not      = ( "!" | "not" ) not | cmp
//	cmp      = operand [ cmpop operand | "in" set | "has" flags ]
//	cmpop    = "==" | "!=" | "<" | "<=" | ">" | ">="
//	operand  = number | "(" expr ")" | quant | call | path
//	quant    = ( "forall" | "exists" ) "(" name "," expr ")"
//	call     = name "(" [ arg { "," arg } ] ")"
//	arg      = path "->" path | expr | flags
//	path     = name { "." name }
//	set      = "{" name { "," name } "}" | name
//	flags    = name { "+" name }
//
// Names may contain '-' between letters and digits, so that state names
// such as FIN-WAIT-1 are single names; there is no subtraction.

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tLParen
	tRParen
	tLBrace
	tRBrace
	tComma
	tDot
	tColon
	tNot
	tAnd
	tOr
	tImplies
	tLeadsTo
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tArrow
	tPlus
	tIllegal
)

var tokNames = [...]string{
	tEOF: "end of formula", tIdent: "name", tNum: "number", tLParen: `"("`, tRParen: `")"`,
	tLBrace: `"{"`, tRBrace: `"}"`, tComma: `","`, tDot: `"."`, tColon: `":"`, tNot: `"!"`,
	tAnd: `"&&"`, tOr: `"||"`, tImplies: `"=>"`, tLeadsTo: `"~>"`, tEq: `"=="`, tNe: `"!="`,
	tLt: `"<"`, tLe: `"<="`, tGt: `">"`, tGe: `">="`, tArrow: `"->"`, tPlus: `"+"`, tIllegal: "character",
}

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the formula
}

func (t token) describe() string {
	switch t.kind {
	case tIdent, tNum:
		return strconv.Quote(t.text)
	case tEOF:
		return "the end of the formula"
	case tIllegal:
		return fmt.Sprintf("%q", t.text)
	}
	return tokNames[t.kind]
}

// exprError is an error at a byte offset of a formula.
type exprError struct {
	pos int
	msg string
}

func (e *exprError) Error() string { return e.msg }

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// startsName reports whether s, which starts with a digit, starts a name:
// its digits are followed by a letter.
func startsName(s string) bool {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i < len(s) && isLetter(s[i])
}

// lex splits a formula into tokens.
func lex(src string) ([]token, *exprError) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '#':
			// A comment runs to the end of the line.
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case isLetter(c) || isDigit(c) && startsName(src[i:]):
			// A name may start with digits when a letter follows them:
			// the 2MSL timer's key is "2msl".
			j := i + 1
			for j < len(src) {
				if isLetter(src[j]) || isDigit(src[j]) {
					j++
				} else if src[j] == '-' && j+1 < len(src) && (isLetter(src[j+1]) || isDigit(src[j+1])) {
					j += 2
				} else {
					break
				}
			}
			toks = append(toks, token{tIdent, src[i:j], i})
			i = j
			continue
		case isDigit(c):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			toks = append(toks, token{tNum, src[i:j], i})
			i = j
			continue
		}
		two := ""
		if i+1 < len(src) {
			two = src[i : i+2]
		}
		var k tokKind
		n := 2
		switch two {
		case "&&":
			k = tAnd
		case "||":
			k = tOr
		case "=>":
			k = tImplies
		case "~>":
			k = tLeadsTo
		case "==":
			k = tEq
		case "!=":
			k = tNe
		case "<=":
			k = tLe
		case ">=":
			k = tGe
		case "->":
			k = tArrow
		default:
			n = 1
			switch c {
			case '(':
				k = tLParen
			case ')':
				k = tRParen
			case '{':
				k = tLBrace
			case '}':
				k = tRBrace
			case ',':
				k = tComma
			case '.':
				k = tDot
			case ':':
				k = tColon
			case '!':
				k = tNot
			case '<':
				k = tLt
			case '>':
				k = tGt
			case '+':
				k = tPlus
			case '=':
				return nil, &exprError{i, `"=" is not an operator; write "==" to compare`}
			case '-':
				return nil, &exprError{i, `"-" is not an operator: there is no subtraction and no negative number (irs is -1 when unknown: write B.irs < 0)`}
			case '&':
				return nil, &exprError{i, `"&" is not an operator; write "&&" for and`}
			case '|':
				return nil, &exprError{i, `"|" is not an operator; write "||" for or`}
			default:
				r := []rune(src[i:])[0]
				return nil, &exprError{i, fmt.Sprintf("unexpected character %q", r)}
			}
		}
		toks = append(toks, token{k, src[i : i+n], i})
		i += n
	}
	// The end of the formula is where its last character is, so that an
	// error there points just after the text rather than after trailing
	// blank lines.
	toks = append(toks, token{tEOF, "", len(strings.TrimRight(src, " \t\r\n"))})
	return toks, nil
}

// The syntax tree. Every node records the offset where it starts, for
// error messages.
type node interface{ at() int }

type (
	// ident is a name as written.
	ident struct {
		name string
		pos  int
	}
	numLit struct {
		v   int
		pos int
	}
	// pathExpr is a dotted name such as A.state or step.received.
	pathExpr struct{ parts []ident }
	notExpr  struct {
		x   node
		pos int
	}
	binExpr struct {
		op   tokKind
		l, r node
		pos  int // of the operator
	}
	inExpr struct {
		x     node
		items []ident // the set's members (states, endings or named sets)
		brace bool    // written with braces
		pos   int     // of "in"
	}
	hasExpr struct {
		x     node
		flags []ident
		pos   int // of "has"
	}
	quantExpr struct {
		all  bool
		v    ident
		body node
		pos  int
	}
	callExpr struct {
		fn   ident
		args []node
		end  int
	}
	// arrowExpr is a direction such as A->B, inside inflight().
	arrowExpr struct {
		from, to node
		pos      int
	}
	// flagsExpr is a list of flags joined by "+", inside inflight().
	flagsExpr struct{ flags []ident }
	// parenExpr keeps parentheses, so "(A)" is not mistaken for a bare
	// name.
	parenExpr struct {
		x   node
		pos int
	}
)

func (n *ident) at() int     { return n.pos }
func (n *numLit) at() int    { return n.pos }
func (n *pathExpr) at() int  { return n.parts[0].pos }
func (n *notExpr) at() int   { return n.pos }
func (n *binExpr) at() int   { return n.l.at() }
func (n *inExpr) at() int    { return n.x.at() }
func (n *hasExpr) at() int   { return n.x.at() }
func (n *quantExpr) at() int { return n.pos }
func (n *callExpr) at() int  { return n.fn.pos }
func (n *arrowExpr) at() int { return n.from.at() }
func (n *flagsExpr) at() int { return n.flags[0].pos }
func (n *parenExpr) at() int { return n.pos }

// parser is a recursive-descent parser over the tokens of one formula.
type parser struct {
	toks  []token
	i     int
	depth int
}

// maxDepth bounds nesting, so that a hostile formula cannot exhaust the
// stack.
const maxDepth = 200

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(k tokKind, context string) (token, *exprError) {
	t := p.peek()
	if t.kind != k {
		return t, &exprError{t.pos, fmt.Sprintf("expected %s %s, found %s", tokNames[k], context, t.describe())}
	}
	return p.next(), nil
}

// parseFormula parses a whole formula. With leadsTo it also accepts (and
// returns) "P ~> Q"; q is nil when the formula has no "~>".
func parseFormula(src string) (p, q node, err *exprError) {
	toks, err := lex(src)
	if err != nil {
		return nil, nil, err
	}
	ps := &parser{toks: toks}
	if ps.peek().kind == tEOF {
		return nil, nil, &exprError{0, "the formula is empty"}
	}
	p, err = ps.expr()
	if err != nil {
		return nil, nil, err
	}
	if t := ps.peek(); t.kind == tLeadsTo {
		ps.next()
		q, err = ps.expr()
		if err != nil {
			return nil, nil, err
		}
	}
	if t := ps.peek(); t.kind != tEOF {
		msg := fmt.Sprintf("unexpected %s after a complete formula", t.describe())
		switch t.kind {
		case tLeadsTo:
			msg = `a formula has at most one "~>"`
		case tIdent:
			msg += ` (missing "&&" or "||"?)`
		case tRParen:
			msg = `unexpected ")": no "(" is open`
		case tArrow:
			msg += ` ("->" is not an operator here: write "=>" for implies, or "~>" for leads-to)`
		}
		return nil, nil, &exprError{t.pos, msg}
	}
	return p, q, nil
}

func (p *parser) enter(pos int) *exprError {
	p.depth++
	if p.depth > maxDepth {
		return &exprError{pos, fmt.Sprintf("the formula nests more than %d levels deep", maxDepth)}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) expr() (node, *exprError) {
	if err := p.enter(p.peek().pos); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.implies()
}

func (p *parser) implies() (node, *exprError) {
	l, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tImplies {
		p.next()
		r, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &binExpr{op: tImplies, l: l, r: r, pos: t.pos}, nil
	}
	return l, nil
}

func (p *parser) or() (node, *exprError) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		t := p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op: tOr, l: l, r: r, pos: t.pos}
	}
	return l, nil
}

func (p *parser) and() (node, *exprError) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		t := p.next()
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op: tAnd, l: l, r: r, pos: t.pos}
	}
	return l, nil
}

func (p *parser) not() (node, *exprError) {
	// "not" is a synonym of "!", for formulas that would otherwise start
	// with "!", which YAML reads as a tag.
	if t := p.peek(); t.kind == tNot || t.kind == tIdent && t.text == "not" {
		p.next()
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notExpr{x: x, pos: t.pos}, nil
	}
	return p.cmp()
}

func (p *parser) cmp() (node, *exprError) {
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch t.kind {
	case tEq, tNe, tLt, tLe, tGt, tGe:
		p.next()
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &binExpr{op: t.kind, l: l, r: r, pos: t.pos}, nil
	case tIdent:
		switch t.text {
		case "in":
			p.next()
			return p.inSet(l, t.pos)
		case "has":
			p.next()
			fl, err := p.flags(`after "has"`)
			if err != nil {
				return nil, err
			}
			return &hasExpr{x: l, flags: fl, pos: t.pos}, nil
		}
	}
	return l, nil
}

func (p *parser) inSet(x node, pos int) (node, *exprError) {
	t := p.peek()
	if t.kind == tIdent {
		p.next()
		return &inExpr{x: x, items: []ident{{t.text, t.pos}}, pos: pos}, nil
	}
	if t.kind != tLBrace {
		return nil, &exprError{t.pos, fmt.Sprintf(`expected a set such as {CLOSED, LISTEN} or a named set such as synchronized after "in", found %s`, t.describe())}
	}
	p.next()
	var items []ident
	for {
		t := p.peek()
		if t.kind != tIdent {
			if t.kind == tRBrace && len(items) == 0 {
				return nil, &exprError{t.pos, "the set is empty"}
			}
			return nil, &exprError{t.pos, fmt.Sprintf("expected a name in the set, found %s", t.describe())}
		}
		p.next()
		items = append(items, ident{t.text, t.pos})
		t = p.next()
		if t.kind == tRBrace {
			return &inExpr{x: x, items: items, brace: true, pos: pos}, nil
		}
		if t.kind != tComma {
			return nil, &exprError{t.pos, fmt.Sprintf(`expected "," or "}" in the set, found %s`, t.describe())}
		}
	}
}

func (p *parser) flags(context string) ([]ident, *exprError) {
	var out []ident
	for {
		t := p.peek()
		if t.kind != tIdent {
			return nil, &exprError{t.pos, fmt.Sprintf("expected a flag (SYN, ACK, FIN, RST or DATA) %s, found %s", context, t.describe())}
		}
		p.next()
		out = append(out, ident{t.text, t.pos})
		if p.peek().kind != tPlus {
			return out, nil
		}
		p.next()
		context = `after "+"`
	}
}

var keywords = map[string]bool{"in": true, "has": true, "forall": true, "exists": true, "not": true}

func (p *parser) operand() (node, *exprError) {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.next()
		v, err := strconv.Atoi(t.text)
		if err != nil || v > 1<<20 {
			return nil, &exprError{t.pos, fmt.Sprintf("number %s is too large", t.text)}
		}
		return &numLit{v: v, pos: t.pos}, nil
	case tLParen:
		p.next()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tRParen {
			return nil, &exprError{c.pos, fmt.Sprintf(`expected ")" to close a "(", found %s`, c.describe())}
		}
		p.next()
		return &parenExpr{x: x, pos: t.pos}, nil
	case tIdent:
		switch t.text {
		case "forall", "exists":
			return p.quant()
		case "in", "has":
			return nil, &exprError{t.pos, fmt.Sprintf("expected an operand before %q", t.text)}
		case "not":
			return nil, &exprError{t.pos, `"not" negates a whole comparison; put it first, as in not A.state == CLOSED`}
		}
		p.next()
		if p.peek().kind == tLParen {
			return p.call(ident{t.text, t.pos})
		}
		parts := []ident{{t.text, t.pos}}
		for p.peek().kind == tDot {
			p.next()
			n := p.peek()
			if n.kind != tIdent {
				return nil, &exprError{n.pos, fmt.Sprintf(`expected a field name after ".", found %s`, n.describe())}
			}
			p.next()
			parts = append(parts, ident{n.text, n.pos})
		}
		return &pathExpr{parts: parts}, nil
	}
	msg := fmt.Sprintf("expected an operand, found %s", t.describe())
	switch t.kind {
	case tEOF:
		msg = "the formula ends where an operand was expected"
	case tAnd, tOr, tImplies, tEq, tNe, tLt, tLe, tGt, tGe:
		msg = fmt.Sprintf("expected an operand before %s", t.describe())
	}
	return nil, &exprError{t.pos, msg}
}

// quant parses forall(X, body) or exists(X, body). The parenthesised form
// keeps formulas free of ": ", which YAML would take for a mapping.
func (p *parser) quant() (node, *exprError) {
	q := p.next()
	if _, err := p.expect(tLParen, fmt.Sprintf("after %q, as in %s(X, X.state == CLOSED)", q.text, q.text)); err != nil {
		return nil, err
	}
	v := p.peek()
	if v.kind != tIdent || keywords[v.text] {
		return nil, &exprError{v.pos, fmt.Sprintf("expected a variable name after \"%s(\", found %s", q.text, v.describe())}
	}
	p.next()
	if _, err := p.expect(tComma, fmt.Sprintf("after the variable %s, as in %s(%s, %s.state == CLOSED)", v.text, q.text, v.text, v.text)); err != nil {
		return nil, err
	}
	body, err := p.expr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tRParen, fmt.Sprintf("to close %s(", q.text)); err != nil {
		return nil, err
	}
	return &quantExpr{all: q.text == "forall", v: ident{v.text, v.pos}, body: body, pos: q.pos}, nil
}

func (p *parser) call(fn ident) (node, *exprError) {
	p.next() // "("
	c := &callExpr{fn: fn}
	if t := p.peek(); t.kind == tRParen {
		c.end = p.next().pos
		return c, nil
	}
	for {
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		t := p.next()
		if t.kind == tRParen {
			c.end = t.pos
			return c, nil
		}
		if t.kind != tComma {
			return nil, &exprError{t.pos, fmt.Sprintf(`expected "," or ")" in the arguments of %s, found %s`, fn.name, t.describe())}
		}
	}
}

// arg parses a call argument: a direction (A->B), a flag list (SYN+ACK),
// or an expression.
func (p *parser) arg() (node, *exprError) {
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); t.kind {
	case tArrow:
		p.next()
		to, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &arrowExpr{from: x, to: to, pos: t.pos}, nil
	case tPlus:
		id, ok := x.(*pathExpr)
		if !ok || len(id.parts) != 1 {
			return nil, &exprError{t.pos, `"+" joins flag names, as in SYN+ACK`}
		}
		p.next()
		rest, err := p.flags(`after "+"`)
		if err != nil {
			return nil, err
		}
		return &flagsExpr{flags: append([]ident{id.parts[0]}, rest...)}, nil
	}
	return x, nil
}
