package report

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/tcpcheck/tcpcheck/checker"
)

// Text from files (a saved trace, a property file) reaches the terminal
// through every text output. A terminal obeys the control characters in
// what it prints: ESC starts sequences that clear the screen, recolour
// it or retitle the window, and the bidirectional overrides of Unicode
// make text read differently from what it is. So text outputs write such
// characters out visibly, as Go does in a quoted string: ESC as \x1b, a
// carriage return as \r, U+202E as \u202e, a byte that is not UTF-8 as
// \xff. The JSON, JUnit and SARIF outputs need none of this: their
// encoders escape (or, in XML, replace) control characters themselves.

// EscapeLine returns s with every control character, line breaks and
// tabs included, written out visibly: for a name or a message that must
// stay on one line.
func EscapeLine(s string) string { return escape(s, false) }

// EscapeText returns s with every control character but the line feed
// and the tab written out visibly: for text laid out in lines, such as an
// error message that quotes a line of its file.
func EscapeText(s string) string { return escape(s, true) }

func escape(s string, keepLayout bool) string {
	i := strings.IndexFunc(s, func(r rune) bool { return mustEscape(r, keepLayout) })
	if i < 0 {
		return s // the common case, without copying
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for j := i; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[j])
		case !mustEscape(r, keepLayout):
			b.WriteString(s[j : j+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		j += size
	}
	return b.String()
}

// mustEscape reports whether r is written out: a C0 or C1 control, DEL,
// a bidirectional formatting character, the replacement character (which
// stands for a byte that is not UTF-8), and, unless keepLayout, the line
// feed and the tab.
func mustEscape(r rune, keepLayout bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !keepLayout
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}

// escapedTrace returns a copy of v with every text field escaped by
// EscapeLine, for the text renderings of a trace, which may come from a
// file. It copies by reflection so that a field added to the view later
// is escaped too.
func escapedTrace(v *checker.TraceView) *checker.TraceView {
	if v == nil {
		return nil
	}
	c := escapedCopy(reflect.ValueOf(*v)).Interface().(checker.TraceView)
	return &c
}

// escapedCopy copies x deeply (structs, pointers and slices; nothing else
// occurs in a trace view) with every string escaped.
func escapedCopy(x reflect.Value) reflect.Value {
	switch x.Kind() {
	case reflect.String:
		return reflect.ValueOf(EscapeLine(x.String())).Convert(x.Type())
	case reflect.Pointer:
		if x.IsNil() {
			return x
		}
		c := reflect.New(x.Type().Elem())
		c.Elem().Set(escapedCopy(x.Elem()))
		return c
	case reflect.Slice:
		if x.IsNil() {
			return x
		}
		c := reflect.MakeSlice(x.Type(), x.Len(), x.Len())
		for i := 0; i < x.Len(); i++ {
			c.Index(i).Set(escapedCopy(x.Index(i)))
		}
		return c
	case reflect.Struct:
		c := reflect.New(x.Type()).Elem()
		c.Set(x)
		for i := 0; i < x.NumField(); i++ {
			if c.Field(i).CanSet() {
				c.Field(i).Set(escapedCopy(x.Field(i)))
			}
		}
		return c
	}
	return x
}
