package properties

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
)

// TestGuideExamples loads and runs every example of the authoring guide
// (the YAML blocks that start with "# example:"), so the guide cannot
// drift from the language: each example must load, every property must
// have its expected verdict, and every mutant its own.
func TestGuideExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/properties.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(# example: ([^\n]*)\n.*?)```").FindAllStringSubmatch(string(doc), -1)
	require.GreaterOrEqual(t, len(blocks), 4, "the guide has its examples")
	steps := regexp.MustCompile(`\((\d+) steps\)`)
	for _, b := range blocks {
		src, name := b[1], b[2]
		t.Run(strings.ReplaceAll(name, " ", "-"), func(t *testing.T) {
			s, err := Parse(name+".yaml", []byte(src))
			require.NoError(t, err)
			require.NotEmpty(t, s.Properties)
			for _, mutants := range []bool{false, true} {
				rs, err := s.Run(RunOptions{Mutants: mutants})
				require.NoError(t, err)
				for _, r := range rs {
					require.NoError(t, r.Err, r.Property.Name)
					assert.True(t, r.Matches, "%s (mutant %v): %s %s", r.Property.Name, mutants, r.Outcome.Verdict, r.Outcome.Message)
					if m := steps.FindStringSubmatch(r.Property.Counterexample); m != nil && !mutants {
						require.NotNil(t, r.Outcome.Trace)
						assert.Equal(t, m[1], strconv.Itoa(len(r.Outcome.Trace.Steps)), "the guide's counterexample is the checker's")
					}
				}
			}
		})
	}
}

// TestReferenceModelFile checks that docs/reference-model.yaml, which the
// README offers for the CLI's figures, describes the checker's reference
// model: the benchmark and the CLI measure the same search.
func TestReferenceModelFile(t *testing.T) {
	s, err := Load([]string{"../docs/reference-model.yaml"})
	require.NoError(t, err)
	var got *checker.Model
	for _, m := range s.Models {
		if m.Name == "reference" {
			got = &m.Model
		}
	}
	require.NotNil(t, got, "the file defines the model reference")
	want := checker.Reference()
	require.Equal(t, want.Table.Name(), got.Table.Name())
	got.Table, want.Table = nil, nil
	require.Equal(t, want, *got)
}

// TestDocumentedNamesParse reads the table of the formula language in
// docs/properties.md and compiles every name it lists: each form of its
// first column, with its placeholders filled in (X is A, f and g are
// formulas, S a named set), and each value its second column gives for a
// name (X.state == SYN_RCVD, step.call == 2msl, step.ack == of-FIN...),
// and every formula quoted there. A name the docs promise and the
// language refuses (step.call == 2msl once was one) fails here.
func TestDocumentedNamesParse(t *testing.T) {
	doc, err := os.ReadFile("../docs/properties.md")
	require.NoError(t, err)
	text := string(doc)
	start := strings.Index(text, "## The formula language")
	require.GreaterOrEqual(t, start, 0)
	text = text[start:]
	if end := strings.Index(text[3:], "\n## "); end >= 0 {
		text = text[:end+3]
	}
	code := regexp.MustCompile("`([^`]+)`")
	word := regexp.MustCompile(`^[A-Za-z0-9_+-]+$`)
	placeholder := strings.NewReplacer("X.", "A.", "(f)", "(A.closed)", ", f)", ", A.closed)", "!f", "!A.closed",
		"not f", "not A.closed", "f && g", "A.closed && B.closed", "f || g", "A.closed || B.closed", "f => g", "A.closed => B.closed",
		"in S", "in synchronized", "P ~> Q", "A.closed ~> B.closed")

	// compiles reports whether formula, or formula compared with a
	// value of its type, compiles as a property of the fitting kind.
	compiles := func(formula string) (bool, string) {
		kind := "invariant"
		switch {
		case strings.Contains(formula, "~>"):
			kind = "leads-to"
		case strings.Contains(formula, "step.") || strings.Contains(formula, "before."):
			kind = "step-invariant"
		}
		var last string
		for _, f := range []string{formula, formula + " >= 0", formula + " == CLOSED", formula + " == A"} {
			src := "properties:\n  - name: p\n    kind: " + kind + "\n    formula: " + strconv.Quote(f) + "\n"
			if _, err := Parse("doc.yaml", []byte(src)); err == nil {
				return true, ""
			} else if last == "" {
				last = err.Error()
			}
		}
		return false, last
	}
	check := func(row, formula string) {
		t.Helper()
		if ok, err := compiles(formula); !ok {
			t.Errorf("docs/properties.md lists %q (row %s), which does not compile: %s", formula, row, err)
		}
	}

	rows := 0
	values := 0
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "¦"), "|")
		if len(cells) != 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		rows++
		first := strings.ReplaceAll(cells[1], "¦", "|")
		second := strings.ReplaceAll(cells[2], "¦", "|")
		var names []string
		for _, m := range code.FindAllStringSubmatch(first, -1) {
			names = append(names, m[1])
		}
		// The values a name takes: the words quoted after it, up to the
		// next name of the row ("`step.seq` is ... `step.ack` is ...").
		// A name with values is checked through them: alone it is not a
		// truth value, and no one comparison fits every type.
		hasValues := map[string]bool{}
		owner := names[0]
		for _, m := range code.FindAllStringSubmatchIndex(second, -1) {
			v := second[m[2]:m[3]]
			if slices.Contains(names, v) {
				owner = v
				continue
			}
			if !strings.ContainsAny(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				continue // an operator, such as == in the comparisons' row
			}
			switch {
			case word.MatchString(v) && (strings.HasSuffix(owner, ".state") || strings.HasSuffix(owner, ".ended") || strings.HasPrefix(owner, "step.")) &&
				!strings.HasPrefix(owner, "step.received") && owner != "step.nsent" && owner != "step.actor":
				values++
				hasValues[owner] = true
				check(first, strings.Replace(owner, "X.", "A.", 1)+" == "+v)
			case owner == "X.state in S" && word.MatchString(v):
				values++
				hasValues[owner] = true
				check(first, "A.state in "+v)
			case strings.ContainsAny(v, ".(<=") && !strings.Contains(v, "RFC") && v != "(a list, or one string)":
				if strings.Contains(v, "forall(") || strings.Contains(v, "exists(") {
					check(first, v)
				} else {
					check(first, strings.ReplaceAll(v, "X.", "A."))
				}
			}
		}
		for _, form := range names {
			// Operators, the endpoints alone, grouping and a formula
			// left open ("...") are syntax, not names.
			if hasValues[form] || form == "A" || form == "B" || strings.ContainsAny(form, "=<>") && !strings.Contains(form, "(") && !strings.Contains(form, "~>") ||
				form == "( )" || form == "# comment" || strings.Contains(form, "...") {
				continue
			}
			check(first, placeholder.Replace(form))
		}
	}
	require.Greater(t, rows, 25, "the table of the formula language was found")
	require.Greater(t, values, 50, "the values of the names were read")
}
