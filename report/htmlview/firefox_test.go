package htmlview

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// TestFirefox opens the page of the default set in a real headless
// Firefox, driven over WebDriver BiDi (the W3C protocol Firefox speaks
// natively), steps through the TIME-WAIT assassination with the arrow
// keys and checks, at every step, the step number, both endpoints' states
// and the arc highlighted in the state diagram, as TestBrowser does in
// Chromium.
//
// It runs only when TCPCHECK_FIREFOX names the Firefox binary (.ci/run
// sets it, and runs the test inside a network namespace of its own with
// only loopback, since Firefox reaches for Mozilla's services when it
// starts), and then fails if Firefox cannot be run.
func TestFirefox(t *testing.T) {
	bin := os.Getenv("TCPCHECK_FIREFOX")
	if bin == "" {
		t.Skip("TCPCHECK_FIREFOX is not set: set it to a Firefox binary to test the page in Firefox")
	}
	path, p, k := writeBrowserPage(t)
	tr := p.Traces[k]

	b := startFirefox(t, bin, filepath.Join(t.TempDir(), "profile"))
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	b.call("browsingContext.getTree", map[string]any{}, &tree)
	if len(tree.Contexts) == 0 {
		t.Fatal("Firefox has no browsing context")
	}
	ctx := tree.Contexts[0].Context
	b.call("browsingContext.navigate", map[string]any{"context": ctx, "url": "file://" + path, "wait": "complete"}, nil)
	sec := fmt.Sprintf("#trace-%d", k)
	// A click on the trace's heading makes it the trace the keys move.
	b.eval(ctx, fmt.Sprintf(`document.querySelector(%q).click(), ""`, sec+" h2"))

	check := func(want int) {
		t.Helper()
		var got shown
		if err := json.Unmarshal([]byte(b.eval(ctx, shownScript(sec, true))), &got); err != nil {
			t.Fatal(err)
		}
		if w := shownAt(&tr, want); got != w {
			t.Errorf("at step %d Firefox shows %+v; want %+v", want, got, w)
		}
	}
	const arrowRight, arrowLeft = "\uE014", "\uE012"
	key := func(k string) {
		t.Helper()
		b.call("input.performActions", map[string]any{"context": ctx, "actions": []any{map[string]any{
			"type": "key", "id": "keyboard", "actions": []any{
				map[string]any{"type": "keyDown", "value": k}, map[string]any{"type": "keyUp", "value": k}}}}}, nil)
	}
	check(0)
	for i := 1; i < len(tr.Steps); i++ {
		key(arrowRight)
		check(i)
	}
	last := len(tr.Steps) - 1
	key(arrowRight) // past the end, the page stays at the last step
	check(last)
	for i := last - 1; i >= last-3; i-- {
		key(arrowLeft)
		check(i)
	}
}

// bidi is a WebDriver BiDi session with a browser.
type bidi struct {
	t    *testing.T
	ws   *websocket.Conn
	next int
}

// startFirefox starts Firefox headless with a fresh profile, waits for
// its WebDriver BiDi endpoint and opens a session; the test's cleanup
// stops it.
func startFirefox(t *testing.T, bin, profile string) *bidi {
	t.Helper()
	if err := os.MkdirAll(profile, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0",
		// The websocket client sends an Origin header, which Firefox refuses
		// unless it is allowed.
		"--remote-allow-origins", "http://127.0.0.1", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("TCPCHECK_FIREFOX=%s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// Firefox says where it listens: "WebDriver BiDi listening on ws://...".
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not open its WebDriver BiDi endpoint within 60 s", bin)
	}
	ws, err := websocket.Dial(url+"/session", "", "http://127.0.0.1/")
	if err != nil {
		t.Fatalf("connecting to Firefox at %s: %v", url, err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	b := &bidi{t: t, ws: ws}
	b.call("session.new", map[string]any{"capabilities": map[string]any{}}, nil)
	return b
}

// call sends a command and decodes its result into out (if not nil),
// skipping the events that arrive meanwhile.
func (b *bidi) call(method string, params any, out any) {
	b.t.Helper()
	b.next++
	id := b.next
	if err := websocket.JSON.Send(b.ws, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	if err := b.ws.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		b.t.Fatal(err)
	}
	for {
		var msg struct {
			ID      int             `json:"id"`
			Type    string          `json:"type"`
			Result  json.RawMessage `json:"result"`
			Error   string          `json:"error"`
			Message string          `json:"message"`
		}
		if err := websocket.JSON.Receive(b.ws, &msg); err != nil {
			b.t.Fatalf("%s: %v", method, err)
		}
		if msg.ID != id {
			continue // an event, or the answer to another command
		}
		if msg.Type == "error" {
			b.t.Fatalf("%s: %s: %s", method, msg.Error, msg.Message)
		}
		if out != nil {
			if err := json.Unmarshal(msg.Result, out); err != nil {
				b.t.Fatalf("%s: %v", method, err)
			}
		}
		return
	}
}

// eval evaluates a script that returns a string in the browsing context
// and returns that string.
func (b *bidi) eval(ctx, expr string) string {
	b.t.Helper()
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	b.call("script.evaluate", map[string]any{"expression": expr, "target": map[string]any{"context": ctx}, "awaitPromise": false}, &res)
	if res.Type == "exception" {
		b.t.Fatalf("the page threw: %s", res.ExceptionDetails.Text)
	}
	s, ok := res.Result.Value.(string)
	if !ok {
		b.t.Fatalf("the script returned a %s, not a string", res.Result.Type)
	}
	return s
}
