package why

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
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
			require.NotEqual(t, "rfc9293", a.Counterexample.Variant, "the run is the mutant's")

			var en, zh bytes.Buffer
			a.Write(&en, English)
			a.Write(&zh, Chinese)
			require.Contains(t, en.String(), "Question: "+q.Title)
			require.Contains(t, en.String(), "holds on rfc9293")
			require.Contains(t, en.String(), "What went wrong: "+q.Wrong)
			require.Contains(t, zh.String(), "问题："+translated(t, q.Title))
			require.Contains(t, zh.String(), "问题出在："+translated(t, q.Wrong))
			// The same run is told in both, in RFC 9293's notation.
			require.Contains(t, zh.String(), "Step 1. ")
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
	for _, tr := range translations {
		if tr.en == en {
			return tr.zh
		}
	}
	t.Fatalf("no translation of %q", en)
	return ""
}

// Every English message has a Chinese one, with the same verbs, and every
// question's texts are in the catalogue.
func TestEveryMessageHasChinese(t *testing.T) {
	seen := map[string]bool{}
	for _, tr := range translations {
		require.False(t, seen[tr.en], "%q is in the catalogue twice", tr.en)
		seen[tr.en] = true
		require.NotEmpty(t, tr.zh, tr.en)
		require.NotEqual(t, tr.en, tr.zh, "%q is not translated", tr.en)
		require.Equal(t, strings.Count(tr.en, "%"), strings.Count(tr.zh, "%"), "the verbs of %q", tr.en)
		// Format each with sample arguments, one per verb.
		var args []any
		for _, verb := range regexp.MustCompile(`%[sd]`).FindAllString(tr.en, -1) {
			if verb == "%d" {
				args = append(args, 7)
			} else {
				args = append(args, "X")
			}
		}
		require.Equal(t, fmt.Sprintf(tr.zh, args...), printer(Chinese).Sprintf(tr.en, args...), "the catalogue gives %q in Chinese", tr.en)
		require.Equal(t, fmt.Sprintf(tr.en, args...), printer(English).Sprintf(tr.en, args...))
	}
	for _, q := range Questions() {
		for _, text := range []string{q.Title, q.Rule, q.Mutant, q.Wrong} {
			require.True(t, seen[text], "question %s: %q has no translation", q.Key, text)
		}
	}
}

func TestLang(t *testing.T) {
	for _, c := range []struct {
		flag, lcAll, lang string
		want              string
	}{
		{"zh", "", "", "zh-Hans"}, {"en", "", "zh_CN.UTF-8", "en"}, {"zh-CN", "", "", "zh-Hans"},
		{"", "", "zh_CN.UTF-8", "zh-Hans"}, {"", "", "de_DE.UTF-8", "en"}, {"", "zh_TW", "en_US", "zh-Hans"}, {"", "", "", "en"},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LANG", c.lang)
		got, err := Lang(c.flag)
		require.NoError(t, err)
		require.Equal(t, c.want, got.String(), "--lang %q, LC_ALL %q, LANG %q", c.flag, c.lcAll, c.lang)
	}
	_, err := Lang("fr")
	require.EqualError(t, err, `unknown language "fr" (expected en or zh)`)
}

func TestLookup(t *testing.T) {
	q, err := Lookup("time-wait")
	require.NoError(t, err)
	require.Equal(t, "time-wait-necessary-lost-ack", q.Property)
	_, err = Lookup("time-wiat")
	require.EqualError(t, err, `no question "time-wiat" (the questions: three-way-handshake, time-wait, who-waits, rst); did you mean time-wait?`)
}
