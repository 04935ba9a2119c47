package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The captures conform reads: the corpus of real Linux TCP that
// testdata/captures/generate.sh records (NAME.VANTAGE.pcap), and copies of
// some of it in which go run ./testdata/captures/doctor edited one segment
// into one no run of TCP sends.
const (
	corpusDir   = "../../testdata/captures/corpus"
	doctoredDir = "../../testdata/captures/doctored"
)

// doctoredFrames are the doctored captures and the frame each one's edit
// is in: the frame conform must report as the deviation.
var doctoredFrames = map[string]int{
	"ack-of-unsent.path.pcap":     4,
	"reset-reply-ack.client.pcap": 2,
	"fin-without-ack.path.pcap":   8,
	"rst-on-fin.path.pcap":        9,
	"syn-on-fin.path.pcap":        9,
}

// captureVantage returns the vantage in a capture's name, NAME.VANTAGE.pcap,
// and the variant of Linux recorded there: linux-loopback on loopback.
func captureVantage(t *testing.T, file string) (vantage, variant string) {
	t.Helper()
	base := strings.TrimSuffix(filepath.Base(file), ".pcap")
	vantage = base[strings.LastIndexByte(base, '.')+1:]
	switch vantage {
	case "client", "path", "server":
		return vantage, "linux"
	case "loopback":
		return vantage, "linux-loopback"
	}
	t.Fatalf("%s: no vantage in the name (expected NAME.VANTAGE.pcap)", file)
	return "", ""
}

// corpusFiles lists the corpus's captures.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("the corpus has %d captures in %s: expected the whole corpus", len(files), corpusDir)
	}
	return files
}

// conformGolden compares got with testdata/conform/name, or rewrites it
// with -update.
func conformGolden(t *testing.T, name, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(filepath.Join("testdata", "conform", name)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, filepath.Join("conform", name), got)
}

// toolVersionJSON matches the version in the JSON report's "tool", which
// differs from build to build.
var toolVersionJSON = regexp.MustCompile(`("tool": \{\s*"name": "tcpcheck",\s*"version": )"[^"]*"`)

// maskVersion masks the tool's version in a JSON report, after checking
// that it is this build's.
func maskVersion(t *testing.T, out string) string {
	t.Helper()
	m := toolVersionJSON.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the JSON report names no tool version:\n%s", out)
	}
	if want := `"` + toolVersion() + `"`; !strings.HasSuffix(m[0], want) {
		t.Errorf("the JSON report's tool is %s: expected version %s", m[0], want)
	}
	return toolVersionJSON.ReplaceAllString(out, `${1}"X"`)
}

// TestConformCorpusGolden: every capture of the corpus conforms to Linux's
// variant at the vantage it was recorded at, as the golden text says.
func TestConformCorpusGolden(t *testing.T) {
	for _, file := range corpusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".pcap")
		t.Run(name, func(t *testing.T) {
			vantage, variant := captureVantage(t, file)
			out, errOut, code := runCmd(t, "", "conform", "--variant", variant, "--vantage", vantage, file)
			if code != ExitOK || errOut != "" {
				t.Errorf("exit %d, stderr %q; want exit 0\n%s", code, errOut, out)
			}
			if strings.Contains(out, "deviates") || strings.Contains(out, "incomplete ") {
				t.Errorf("a connection does not conform:\n%s", out)
			}
			conformGolden(t, name+".txt", out)
		})
	}
}

// TestConformDoctoredGolden: each doctored capture deviates, at the frame
// its edit is in and nowhere else.
func TestConformDoctoredGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(doctoredDir, "*.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(doctoredFrames) {
		t.Errorf("%s has %d captures, the test knows %d: add each one's edited frame to doctoredFrames", doctoredDir, len(files), len(doctoredFrames))
	}
	for base, frame := range doctoredFrames {
		name := strings.TrimSuffix(base, ".pcap")
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(doctoredDir, base)
			vantage, variant := captureVantage(t, file)
			out, errOut, code := runCmd(t, "", "conform", "--variant", variant, "--vantage", vantage, file)
			if code != ExitViolated || errOut != "" {
				t.Errorf("exit %d, stderr %q; want exit 1", code, errOut)
			}
			want := "no run of " + variant + " produces frame " + strconv.Itoa(frame) + ": "
			if !strings.Contains(out, want) {
				t.Errorf("the output does not name the edited frame (%q):\n%s", want, out)
			}
			if n := strings.Count(out, "produces frame "); n != 1 {
				t.Errorf("%d deviations: expected 1, at frame %d", n, frame)
			}
			if !strings.HasSuffix(out, "1 connection: 0 conform, 1 deviate, 0 incomplete.\n") {
				t.Errorf("the summary is not one deviating connection:\n%s", out)
			}
			conformGolden(t, filepath.Join("doctored", name+".txt"), out)
		})
	}
}

// TestConformFormatsGolden: the JSON and JUnit forms (and the text) of a
// deviation from RFC 9293 by real Linux, of a capture of two incarnations
// of a 4-tuple, and of a doctored capture.
func TestConformFormatsGolden(t *testing.T) {
	for _, tc := range []struct {
		golden, file, variant, vantage string
		code                           int
	}{
		{"abort.path.rfc9293", filepath.Join(corpusDir, "abort.path.pcap"), "rfc9293", "path", ExitViolated},
		{"time-wait-new-syn.server", filepath.Join(corpusDir, "time-wait-new-syn.server.pcap"), "linux", "server", ExitOK},
		{"doctored/fin-without-ack.path", filepath.Join(doctoredDir, "fin-without-ack.path.pcap"), "linux", "path", ExitViolated},
	} {
		for _, format := range []string{"text", "json", "junit"} {
			t.Run(tc.golden+"/"+format, func(t *testing.T) {
				out, errOut, code := runCmd(t, "", "conform", "--variant", tc.variant, "--vantage", tc.vantage, "--format", format, tc.file)
				if code != tc.code || errOut != "" {
					t.Errorf("exit %d, stderr %q; want exit %d", code, errOut, tc.code)
				}
				ext := map[string]string{"text": ".txt", "json": ".json", "junit": ".junit.xml"}[format]
				if format == "json" {
					out = maskVersion(t, out)
					if want := `"exit_code": ` + strconv.Itoa(tc.code) + "\n"; !strings.Contains(out, want) {
						t.Errorf("the JSON report lacks %q", want)
					}
				}
				conformGolden(t, tc.golden+ext, out)
			})
		}
	}
}

// TestConformDefaultsToRFC9293: without --variant, conform checks against
// RFC 9293's table from the path, where Linux's abort deviates.
func TestConformDefaultsToRFC9293(t *testing.T) {
	file := filepath.Join(corpusDir, "abort.path.pcap")
	out, errOut, code := runCmd(t, "", "conform", file)
	explicit, _, _ := runCmd(t, "", "conform", "--variant", "rfc9293", "--vantage", "path", file)
	if code != ExitViolated || errOut != "" || out != explicit {
		t.Errorf("exit %d, stderr %q; want exit 1 and the output of --variant rfc9293 --vantage path\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "no run of rfc9293 produces frame 6: A sent <SEQ=368072200><ACK=257172262><CTL=RST,ACK>") {
		t.Errorf("the abort's RST,ACK is not the deviation:\n%s", out)
	}
}

func TestConformAnyVariant(t *testing.T) {
	out, errOut, code := runCmd(t, "", "conform", "--variant", "any", filepath.Join(corpusDir, "abort.path.pcap"))
	if code != ExitOK || errOut != "" {
		t.Errorf("exit %d, stderr %q; want exit 0", code, errOut)
	}
	for _, want := range []string{"Variant: any.", "explained by: linux, linux-loopback\n", "1 connection: 1 conform, 0 deviate, 0 incomplete.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}

// TestConformIsDeterministic: the same run twice writes the same bytes,
// in every format, on the capture with the most connections.
func TestConformIsDeterministic(t *testing.T) {
	for _, format := range []string{"text", "json", "junit"} {
		args := []string{"conform", "--variant", "linux", "--format", format,
			filepath.Join(corpusDir, "many.path.pcap"), filepath.Join(corpusDir, "time-wait-new-syn.path.pcap"), filepath.Join(doctoredDir, "ack-of-unsent.path.pcap")}
		a, _, codeA := runCmd(t, "", args...)
		b, _, codeB := runCmd(t, "", args...)
		if codeA != ExitViolated || codeB != codeA {
			t.Errorf("%s: exit %d then %d; want 1", format, codeA, codeB)
		}
		if a != b {
			t.Errorf("%s: two runs differ:\n--- first ---\n%s\n--- second ---\n%s", format, a, b)
		}
	}
}

// TestConformStandardInput: "-" reads the capture from standard input,
// which the output calls so.
func TestConformStandardInput(t *testing.T) {
	file := filepath.Join(corpusDir, "abort.client.pcap")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _, _ := runCmd(t, "", "conform", "--variant", "linux", "--vantage", "client", file)
	out, errOut, code := runCmd(t, string(data), "conform", "--variant", "linux", "--vantage", "client", "-")
	if code != ExitOK || errOut != "" {
		t.Errorf("exit %d, stderr %q; want exit 0", code, errOut)
	}
	if want := strings.Replace(fromFile, file+":", "standard input:", 1); out != want {
		t.Errorf("standard input gives\n%s\nwant\n%s", out, want)
	}
	_, errOut, code = runCmd(t, "", "conform", "-")
	if want := "tcpcheck: standard input: byte offset 0: not a capture: the file has 0 bytes; expected a pcap or pcapng file header\n"; code != ExitUsage || errOut != want {
		t.Errorf("empty standard input: exit %d, stderr %q; want exit 2 and %q", code, errOut, want)
	}
}

// userLinkTypePcap is a classic pcap file of link type 147 (USER0, private
// to a site) holding one frame.
func userLinkTypePcap() []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	// Magic, version 2.4, time zone, accuracy, snap length, link type.
	for _, v := range []uint32{0xA1B2C3D4, 2 | 4<<16, 0, 0, 65535, 147} {
		_ = binary.Write(&b, le, v)
	}
	frame := []byte("a frame of a protocol no one knows")
	// Seconds, microseconds, captured length, original length.
	for _, v := range []uint32{1798200000, 0, uint32(len(frame)), uint32(len(frame))} {
		_ = binary.Write(&b, le, v)
	}
	b.Write(frame)
	return b.Bytes()
}

func TestConformBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(corpusDir, "abort.path.pcap")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// abort.path.pcap's frames start at byte offsets 24, 114, 204, 286,
	// 373 and 455; the file has 537 bytes.
	if len(data) != 537 {
		t.Fatalf("%s has %d bytes: the offsets below expect 537", good, len(data))
	}
	notCapture := filepath.Join(dir, "notes.txt")
	writeTestFile(t, notCapture, "hello: these are notes, not packets\n")
	first100 := filepath.Join(dir, "first100.pcap")
	writeTestFile(t, first100, string(data[:100]))
	midFrame := filepath.Join(dir, "mid-frame.pcap")
	writeTestFile(t, midFrame, string(data[:204+16+30]))
	user0 := filepath.Join(dir, "user0.pcap")
	writeTestFile(t, user0, string(userLinkTypePcap()))
	missing := filepath.Join(dir, "missing.pcap")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a capture", []string{notCapture},
			notCapture + ": byte offset 0: not a capture: the file starts with 68 65 6c 6c; expected a pcap magic number (a1b2c3d4 or a1b23c4d, either byte order) or pcapng's 0a0d0d0a"},
		{"the first 100 bytes", []string{first100},
			first100 + ": frame 1 (byte offset 24): the frame is cut short: the file ends inside it (a truncated capture)"},
		{"cut in frame 3", []string{midFrame},
			midFrame + ": frame 3 (byte offset 204): the frame is cut short: the file ends inside it (a truncated capture)"},
		{"link type USER0", []string{user0},
			user0 + ": frame 1 (byte offset 24): link type 147 is not supported: expected Ethernet (1), Linux cooked capture SLL (113) or SLL2 (276), raw IP (101, 228, 229) or BSD loopback (0, 108)"},
		{"missing file", []string{missing},
			"cannot read " + missing + ": no such file or directory: expected a packet capture (pcap or pcapng)"},
		{"a bad file after a good one", []string{good, notCapture},
			notCapture + ": byte offset 0: not a capture: the file starts with 68 65 6c 6c; expected a pcap magic number (a1b2c3d4 or a1b23c4d, either byte order) or pcapng's 0a0d0d0a"},
		{"no capture", nil, "conform takes one or more CAPTURE files, found none: expected packet captures (pcap or pcapng), or - for standard input"},
		{"--vantage nowhere", []string{"--vantage", "nowhere", good},
			`--vantage: unknown vantage "nowhere" (expected one of path, client, server, loopback)`},
		{"--variant nope", []string{"--variant", "nope", good},
			`--variant is "nope": expected one of rfc9293, rfc793, rfc793-figure, rfc5961, rfc1337, no-time-wait, linux, linux-loopback, or any`},
		{"--format xml", []string{"--format", "xml", good}, `--format is "xml": expected one of text, json, junit`},
		{"--msl 0", []string{"--msl", "0", good}, "--msl is 0s: expected a positive duration, such as 2m"},
		{"--msl -1s", []string{"--msl", "-1s", good}, "--msl is -1s: expected a positive duration, such as 2m"},
		{"--fin-timeout -1s", []string{"--fin-timeout", "-1s", good}, "--fin-timeout is -1s: expected 0 (not checked) or a positive duration, such as 200ms"},
		{"--max-states 0", []string{"--max-states", "0", good}, "--max-states is 0: expected a positive number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCmd(t, "", append([]string{"conform"}, tc.args...)...)
			if want := "tcpcheck: " + tc.want + "\n"; code != ExitUsage || errOut != want || out != "" {
				t.Errorf("exit %d, stdout %q, stderr\n%q\nwant exit 2 and\n%q", code, out, errOut, want)
			}
		})
	}
}

// TestConformDoctoredCapturesAreCurrent: the doctored captures are what
// go run ./testdata/captures/doctor writes from the corpus.
func TestConformDoctoredCapturesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the doctor")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "./testdata/captures/doctor", "-corpus", "testdata/captures/corpus", "-out", dir)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./testdata/captures/doctor: %v\n%s", err, out)
	}
	if got := strings.Join(dirNames(t, dir), " "); got != strings.Join(dirNames(t, doctoredDir), " ") {
		t.Errorf("the doctor writes %s; %s holds %s", got, doctoredDir, strings.Join(dirNames(t, doctoredDir), " "))
	}
	for base := range doctoredFrames {
		want, err := os.ReadFile(filepath.Join(doctoredDir, base))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, base))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go run ./testdata/captures/doctor", base)
		}
	}
}
