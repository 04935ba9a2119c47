package why

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/tcpcheck/tcpcheck/internal/lang"
	"github.com/tcpcheck/tcpcheck/report"
)

// WriteList writes the questions, each key with its question, in lang.
func WriteList(w io.Writer, tag language.Tag) {
	p := lang.Printer(tag)
	fmt.Fprintln(w, p.Sprintf("Each answer is checked when it is asked. The questions:"))
	for _, q := range questions {
		fmt.Fprintf(w, "  %-20s %s\n", q.Key, p.Sprintf(q.Title))
	}
	fmt.Fprintln(w, p.Sprintf("Run tcpcheck why QUESTION for the answer."))
}

// Write tells an answer: the question, the rule and its citation, the
// verdict on rfc9293, the mutant and its shortest counterexample, step by
// step, and what went wrong, in the language tag.
func (a *Answer) Write(w io.Writer, tag language.Tag) {
	p := lang.Printer(tag)
	fmt.Fprintln(w, p.Sprintf("Question: %s", p.Sprintf(a.Question.Title)))
	a.writeRule(w, p, tag)
	for _, more := range a.Also {
		more.writeRule(w, p, tag)
	}
}

// writeRule tells one rule of an answer.
func (a *Answer) writeRule(w io.Writer, p *message.Printer, tag language.Tag) {
	q := a.Question
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("The rule (%s):", q.Cite))
	fmt.Fprintln(w, indent(p.Sprintf(q.Rule)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("Verdict: property %s holds on rfc9293, checked now on model %s (%d states explored).", q.Property, a.Model, a.States))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("Without the rule (%s), it fails. The shortest run that goes wrong, %d steps:", p.Sprintf(q.Mutant), len(a.Counterexample.Steps)))
	fmt.Fprintln(w)
	// The story's own first line would repeat the property's verdict,
	// which the answer has told already.
	v := *a.Counterexample
	v.Property, v.Verdict, v.Message = "", "", ""
	var story bytes.Buffer
	report.WriteStoryIn(&story, &v, tag)
	fmt.Fprintln(w, indent(strings.TrimRight(story.String(), "\n")))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("What went wrong: %s", p.Sprintf(q.Wrong)))
}

// indent indents every line by two spaces.
func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
