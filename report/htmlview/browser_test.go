package htmlview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium starts the headless Chromium at bin and returns a context of
// one of its tabs, with a minute to finish in; the test's cleanup stops
// it.
func chromium(t *testing.T, bin string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.WindowSize(1300, 1120))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	return ctx
}

// TestBrowser opens the page of the default set in a real headless
// Chromium, steps through the TIME-WAIT assassination with the arrow
// keys, and checks what the page shows at every step: the step number,
// both endpoints' states, and the arc highlighted in the state diagram.
// It saves a screenshot, into $TCPCHECK_SCREENSHOT if set (docs/report.png
// is made so).
//
// It runs only when TCPCHECK_BROWSER names the browser's binary
// (chromium-headless-shell or chromium; .ci/run sets it), and then fails
// if the browser cannot be run: asked to test in a browser, it never
// skips.
func TestBrowser(t *testing.T) {
	bin := os.Getenv("TCPCHECK_BROWSER")
	if bin == "" {
		t.Skip("TCPCHECK_BROWSER is not set: set it to a Chromium binary to test the page in a browser")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("TCPCHECK_BROWSER=%s: %v", bin, err)
	}
	path, p, k := writeBrowserPage(t)
	tr := p.Traces[k]

	ctx := chromium(t, bin)

	sec := fmt.Sprintf("#trace-%d", k)
	if err := chromedp.Do(ctx,
		chromedp.Navigate("file://"+path),
		chromedp.WaitVisible(sec+" .chart"),
		chromedp.Click(sec+" h2"), // makes it the trace the keys move
	); err != nil {
		t.Fatalf("loading the page in %s: %v", bin, err)
	}
	check := func(want int) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[shown](shownScript(sec, false)))
		if err != nil {
			t.Fatal(err)
		}
		if w := shownAt(&tr, want); got != w {
			t.Errorf("at step %d the page shows %+v; want %+v", want, got, w)
		}
	}
	check(0)
	for i := 1; i < len(tr.Steps); i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
			t.Fatal(err)
		}
		check(i)
	}
	// Past the end the page stays at the last step; back with ArrowLeft.
	last := len(tr.Steps) - 1
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	check(last)
	for i := last - 1; i >= last-3; i-- {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowLeft)); err != nil {
			t.Fatal(err)
		}
		check(i)
	}
	for i := last - 2; i <= last; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
			t.Fatal(err)
		}
	}
	check(last)

	// The buttons move the step as the keys do.
	if err := chromedp.Do(ctx, chromedp.Click(sec+" button.prev")); err != nil {
		t.Fatal(err)
	}
	check(last - 1)
	if err := chromedp.Do(ctx, chromedp.Click(sec+" button.next")); err != nil {
		t.Fatal(err)
	}
	check(last)

	// The filters show only the properties with the chosen verdict.
	violated := 0
	for _, r := range p.Summary {
		if r.Verdict == "violated" {
			violated++
		}
	}
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(function(){var f=document.getElementById("f-verdict");
		f.value="violated";f.dispatchEvent(new Event("change"));
		var n=0;document.querySelectorAll("tr.prop").forEach(function(r){if(r.offsetParent!==null){n++}});
		f.value="";f.dispatchEvent(new Event("change"));return n})()`))
	if err != nil {
		t.Fatal(err)
	}
	if visible != violated {
		t.Errorf("filtered by verdict violated, the summary shows %d rows; want %d", visible, violated)
	}

	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(sec)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("TCPCHECK_SCREENSHOT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "report.png")
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(png))
}

// shown is what the page shows of a trace at its current step.
type shown struct {
	Step, A, B, Arc, Row string
}

// shownAt is what the page should show of trace tr at step i.
func shownAt(tr *Trace, i int) shown {
	s := tr.Steps[i]
	state := func(e Endpoint) string {
		if e.Ended != "" {
			return e.State + " (" + e.Ended + ")"
		}
		return e.State
	}
	return shown{Step: fmt.Sprint(s.N), A: state(s.A), B: state(s.B), Arc: s.Arc, Row: fmt.Sprint(i)}
}

// shownScript is the script that reads what the page shows of the trace
// in section sec, as an object, or, with asJSON, as its JSON text.
func shownScript(sec string, asJSON bool) string {
	obj := `{Step:s.querySelector(".step-no").textContent,A:s.querySelector(".state-a").textContent,
		B:s.querySelector(".state-b").textContent,Arc:hl?hl.getAttribute("data-arc"):"",
		Row:(s.querySelector(".row.cur")||{getAttribute:function(){return ""}}).getAttribute("data-step")}`
	if asJSON {
		obj = "JSON.stringify(" + obj + ")"
	}
	return fmt.Sprintf(`(function(){var s=document.querySelector(%q);var hl=s.querySelector(".arc.hl");return %s})()`, sec, obj)
}

// writeBrowserPage writes the page of the default set into a temporary
// directory, and returns its path, what it shows, and the index of the
// trace of time-wait-assassination the browser tests step through.
func writeBrowserPage(t *testing.T) (string, *Page, int) {
	t.Helper()
	rep := defaultReport(t)
	p := Compute(rep)
	k := -1
	for i := range p.Traces {
		if p.Traces[i].Property == "time-wait-assassination" {
			k = i
		}
	}
	if k < 0 {
		t.Fatal("no trace of time-wait-assassination")
	}
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, rep); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, p, k
}
