package main

import (
	"strings"
	"testing"
)

func TestWhyListsAndAnswers(t *testing.T) {
	out, errOut, code := runCmd(t, "", "why", "--lang", "en")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "three-way-handshake  Why does opening a connection take three segments, not two?") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	out, errOut, code = runCmd(t, "", "why", "three-way-handshake", "--lang", "zh")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"问题：为什么建立连接需要三次握手，而不是两次？", "去掉这条规则（两次握手", "问题出在：", "原因：规则 LISTEN/rcv-syn", "第 4 步。"} {
		if !strings.Contains(out, want) {
			t.Errorf("the answer lacks %q:\n%s", want, out)
		}
	}
}

func TestWhyBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"why", "time-wiat"}, `no question "time-wiat" (the questions: three-way-handshake, four-way-close, time-wait, two-msl, who-waits, rst); did you mean time-wait?`},
		{[]string{"why", "rst", "--lang", "fr"}, `--lang: unknown language "fr" (expected en or zh)`},
		{[]string{"why", "rst", "time-wait"}, "why takes one QUESTION, found 2: expected one of three-way-handshake, four-way-close, time-wait, two-msl, who-waits, rst"},
	} {
		out, errOut, code := runCmd(t, "", c.args...)
		if want := "tcpcheck: " + c.want + "\n"; code != ExitUsage || out != "" || !strings.HasPrefix(errOut, want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, want)
		}
	}
}

// explain tells a saved counterexample in Chinese with --lang zh.
func TestExplainInChinese(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := runCmd(t, "", "verify", "--property", "time-wait-assassination", "--save-traces", dir); code != ExitOK {
		t.Fatalf("verify: exit %d: %s", code, errOut)
	}
	out, errOut, code := runCmd(t, "", "explain", dir+"/time-wait-assassination.json", "--lang", "zh", "--no-text-chart")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"性质 time-wait-assassination 在模型 delayed-segments（变体 rfc9293）上不成立",
		"第 12 步。A 收到 B 的 <SEQ=302><CTL=RST>。",
		"A 原处于 TIME-WAIT；它进入 CLOSED。",
		"A 的用户得到通知“connection reset”。",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the story lacks %q:\n%s", want, out)
		}
	}
	if _, errOut, code := runCmd(t, "", "explain", dir+"/time-wait-assassination.json", "--lang", "fr"); code != ExitUsage || !strings.Contains(errOut, `--lang: unknown language "fr" (expected en or zh)`) {
		t.Errorf("--lang fr: exit %d, %s", code, errOut)
	}
}
