package lang

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every English message has a Chinese one, with as many verbs, and the
// catalogue gives it in both languages.
func TestEveryMessageHasChinese(t *testing.T) {
	seen := map[string]bool{}
	for _, tr := range Translations() {
		require.False(t, seen[tr.EN], "%q is in the catalogue twice", tr.EN)
		seen[tr.EN] = true
		require.NotEmpty(t, tr.ZH, tr.EN)
		require.NotEqual(t, tr.EN, tr.ZH, "%q is not translated", tr.EN)
		require.Equal(t, strings.Count(tr.EN, "%"), strings.Count(tr.ZH, "%"), "the verbs of %q", tr.EN)
		var args []any
		for i, verb := range regexp.MustCompile(`%[sd]`).FindAllString(tr.EN, -1) {
			if verb == "%d" {
				args = append(args, 7+i)
			} else {
				args = append(args, fmt.Sprintf("X%d", i))
			}
		}
		zh := fmt.Sprintf(tr.ZH, args...)
		require.NotContains(t, zh, "%!", "the verbs of %q in Chinese", tr.EN)
		for _, a := range args {
			require.Contains(t, zh, fmt.Sprint(a), "the Chinese of %q drops an argument", tr.EN)
		}
		require.Equal(t, zh, Printer(Chinese).Sprintf(tr.EN, args...), "the catalogue gives %q in Chinese", tr.EN)
		require.Equal(t, fmt.Sprintf(tr.EN, args...), Printer(English).Sprintf(tr.EN, args...))
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		flag, lcAll, lang string
		want              string
	}{
		{"zh", "", "", "zh-Hans"}, {"en", "", "zh_CN.UTF-8", "en"}, {"zh-CN", "", "", "zh-Hans"},
		{"", "", "zh_CN.UTF-8", "zh-Hans"}, {"", "", "de_DE.UTF-8", "en"}, {"", "zh_TW", "en_US", "zh-Hans"}, {"", "", "", "en"},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LANG", c.lang)
		got, err := Parse(c.flag)
		require.NoError(t, err)
		require.Equal(t, c.want, got.String(), "--lang %q, LC_ALL %q, LANG %q", c.flag, c.lcAll, c.lang)
	}
	_, err := Parse("fr")
	require.EqualError(t, err, `unknown language "fr" (expected en or zh)`)
}
