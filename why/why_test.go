package why

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/lang"
	"github.com/tcpcheck/tcpcheck/properties"
)

// Every question is answered from a live check: its property must hold on
// rfc9293 and its mutant must fail. If the table changes so that either
// stops, Ask refuses to answer and this test fails.
func TestEveryQuestionIsAnswered(t *testing.T) {
	suite, err := properties.LoadDefault()
	require.NoError(t, err)
	for _, q := range Questions() {
		t.Run(q.Key, func(t *testing.T) {
			a, err := Ask(suite, q, checker.Options{})
			require.NoError(t, err)
			require.Positive(t, a.States)
			require.NotNil(t, a.Counterexample)
			require.NotEmpty(t, a.Counterexample.Steps)
			mutated := a.Counterexample.Variant != "rfc9293" || a.Counterexample.Model != a.Model
			require.True(t, mutated, "the run is the mutant's, not model %s on rfc9293", a.Model)

			var en, zh bytes.Buffer
			a.Write(&en, lang.English)
			a.Write(&zh, lang.Chinese)
			require.Contains(t, en.String(), "Question: "+q.Title)
			require.Contains(t, en.String(), "holds on rfc9293")
			require.Contains(t, en.String(), "What went wrong: "+q.Wrong)
			require.Len(t, a.Also, len(q.Also))
			for i, more := range a.Also {
				require.Equal(t, q.Also[i].Property, more.Question.Property)
				require.NotEmpty(t, more.Counterexample.Steps)
				require.Contains(t, en.String(), "What went wrong: "+q.Also[i].Wrong)
				require.Contains(t, zh.String(), "问题出在："+translated(t, q.Also[i].Wrong))
			}
			require.Contains(t, zh.String(), "问题："+translated(t, q.Title))
			require.Contains(t, zh.String(), "问题出在："+translated(t, q.Wrong))
			// The same run is told in both, in RFC 9293's notation.
			require.Contains(t, en.String(), "Step 1. ")
			require.Contains(t, zh.String(), "第 1 步。")
		})
	}
}

// A question whose property does not hold, or whose mutant does not
// fail, gets no answer.
func TestAskRefusesAWrongAnswer(t *testing.T) {
	suite, err := properties.LoadDefault()
	require.NoError(t, err)
	q := Question{Key: "assassination", Property: "time-wait-assassination"}
	_, err = Ask(suite, q, checker.Options{})
	require.ErrorContains(t, err, "does not hold on rfc9293")
	q = Question{Key: "half-open", Property: "half-open-after-crash"}
	_, err = Ask(suite, q, checker.Options{})
	require.ErrorContains(t, err, "does not hold on rfc9293")
}

func translated(t *testing.T, en string) string {
	t.Helper()
	for _, tr := range lang.Translations() {
		if tr.EN == en {
			return tr.ZH
		}
	}
	t.Fatalf("no translation of %q", en)
	return ""
}

// Every question's texts are in the catalogue.
func TestEveryQuestionIsTranslated(t *testing.T) {
	for _, q := range Questions() {
		translated(t, q.Title)
		for _, part := range append([]Question{q}, q.Also...) {
			for _, text := range []string{part.Rule, part.Mutant, part.Wrong} {
				translated(t, text)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	q, err := Lookup("time-wait")
	require.NoError(t, err)
	require.Equal(t, "time-wait-necessary-lost-ack", q.Property)
	_, err = Lookup("time-wiat")
	require.EqualError(t, err, `no question "time-wiat" (the questions: three-way-handshake, four-way-close, time-wait, two-msl, who-waits, rst); did you mean time-wait?`)
}
