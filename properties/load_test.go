package properties

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// loadErrors parses src and returns its errors, one rendered error per
// element.
func loadErrors(t *testing.T, src string) []string {
	t.Helper()
	_, err := Parse("p.yaml", []byte(src))
	return errorLines(t, err)
}

// errorLines renders the errors of a load that must fail.
func errorLines(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err, "expected errors")
	var list ErrorList
	require.True(t, errors.As(err, &list), "the error is an ErrorList: %v", err)
	var out []string
	for _, e := range list {
		out = append(out, e.Error())
	}
	return out
}

// TestLoadErrors checks the position and message of each kind of mistake
// in a property or model file.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "unknown key",
			src: `properties:
  - name: p
    kind: invariant
    formla: A.closed
`,
			want: []string{
				`p.yaml:2:5: property "p" needs a formula`,
				`p.yaml:4:5: unknown key "formla" in a property (did you mean "formula"?)`,
			},
		},
		{
			name: "unknown key without a near one",
			src: `models:
  - name: m
    speed: 3
`,
			want: []string{`p.yaml:3:5: unknown key "speed" in a model (expected one of name, description, extends, variant, overlay, a, b, network, retries, user-timeout, reopens, reuse-isn, time-wait)`},
		},
		{
			name: "unquoted negation is a YAML tag",
			src: `properties:
  - name: p
    model: client-server
    kind: invariant
    formula: !A.crashed
`,
			want: []string{`p.yaml:5:14: "formula" starts with "!", which YAML reads as a tag (!A.crashed), not as text: quote the value, as in formula: "!A.crashed"`},
		},
		{
			name: "unknown top-level key",
			src:  "propertes: []\n",
			want: []string{`p.yaml:1:1: unknown key "propertes" in a property file (did you mean "properties"?)`},
		},
		{
			name: "type errors",
			src: `models:
  - name: m
    retries: one
    user-timeout: 1
    network: {capacity: 9, reorder: yes please, loss: some}
    a: [active]
`,
			want: []string{
				`p.yaml:3:14: "retries" must be the number of retransmissions per segment (0 to 3) or forever, found "one"`,
				`p.yaml:4:19: "user-timeout" is true, false or after-drain (the user gives up only once none of its own segments are in flight), found "1"`,
				`p.yaml:5:25: "capacity" must be between 1 and 7, found 9`,
				`p.yaml:5:37: "reorder" must be true or false, found "yes please"`,
				`p.yaml:5:55: "loss" must be the number of segments the network may lose (0 to 7), unbounded, or overflow (only what a full channel cannot hold), found "some"`,
				`p.yaml:6:8: the role of A must be a mapping of keys to values, found a list`,
			},
		},
		{
			name: "unknown state in a formula",
			src: `properties:
  - name: p
    kind: invariant
    formula: A.state == ESTABLISHD
`,
			want: []string{"p.yaml:4:25: unknown state \"ESTABLISHD\" (did you mean \"ESTABLISHED\"?)\n" +
				"\t    formula: A.state == ESTABLISHD\n" +
				"\t                        ^"},
		},
		{
			name: "unknown state in a model",
			src: `models:
  - name: m
    overlay:
      remove-states: [{state: TIME_WAITS, to: CLOSED}]
`,
			want: []string{`p.yaml:4:31: unknown state "TIME_WAITS" (did you mean "TIME-WAIT"?)`},
		},
		{
			name: "unknown flag in a formula",
			src: `properties:
  - name: p
    kind: invariant
    formula: "inflight(A->B, FYN) == 0"
`,
			want: []string{"p.yaml:4:30: unknown flag \"FYN\" (did you mean \"FIN\"?)\n" +
				"\t    formula: \"inflight(A->B, FYN) == 0\"\n" +
				"\t                             ^"},
		},
		{
			name: "unknown flag in an overlay row",
			src: `models:
  - name: m
    overlay:
      add:
        - {id: X/y, from: CLOSED, on: {event: rcv, has: [SYN, ACKK]}, to: CLOSED}
`,
			want: []string{`p.yaml:5:63: unknown flag "ACKK" (did you mean "ACK"?)`},
		},
		{
			name: "syntax error with a caret",
			src: `properties:
  - name: p
    kind: invariant
    formula: A.state == CLOSED && && B.closed
`,
			want: []string{"p.yaml:4:35: expected an operand before \"&&\"\n" +
				"\t    formula: A.state == CLOSED && && B.closed\n" +
				"\t                                  ^"},
		},
		{
			name: "syntax error in a block formula",
			src: `properties:
  - name: p
    kind: step-invariant
    formula: |
      forall(X, before.X.state == LAST-ACK
          => X.ended != reset
`,
			want: []string{"p.yaml:6:30: expected \")\" to close forall(, found the end of the formula\n" +
				"\t          => X.ended != reset\n" +
				"\t                             ^"},
		},
		{
			name: "type error on the second line of a folded formula",
			src: `properties:
  - name: p
    kind: invariant
    formula: >
      A.state == CLOSED &&
        A.incarnation == CLOSED
`,
			want: []string{"p.yaml:6:26: CLOSED is a state; compare a state with it, as in A.state == CLOSED\n" +
				"\t        A.incarnation == CLOSED\n" +
				"\t                         ^"},
		},
		{
			name: "model that does not exist",
			src: `properties:
  - name: p
    kind: invariant
    model: client-sever
    formula: A.closed
`,
			want: []string{`p.yaml:4:12: property "p" runs on model "client-sever", which does not exist (did you mean "client-server"?)`},
		},
		{
			name: "every error of a file at once",
			src: `models:
  - name: m
    retries: 9
properties:
  - name: p
    kind: invariant
    model: nowhere
    formula: A.closed
  - name: q
    kind: invariant
    formula: A.state == SYN-SEND
  - name: r
    kind: eventualy
    formula: A.closed
`,
			want: []string{
				`p.yaml:3:14: "retries" must be between 0 and 3, or forever, found 9`,
				`p.yaml:7:12: property "p" runs on model "nowhere", which does not exist`,
				"p.yaml:11:25: unknown state \"SYN-SEND\" (did you mean \"SYN-SENT\"?)\n\t    formula: A.state == SYN-SEND\n\t                        ^",
				`p.yaml:13:11: unknown kind "eventualy" (did you mean "eventually"?)`,
			},
		},
		{
			name: "duplicates",
			src: `properties:
  - name: p
    kind: invariant
    kind: reachable
    formula: A.closed
  - name: p
    kind: invariant
    formula: A.closed
models:
  - name: client-server
`,
			want: []string{
				`p.yaml:4:5: key "kind" appears twice in a property (first at line 3)`,
				`p.yaml:6:5: property "p" is already defined at p.yaml:2:5`,
				`p.yaml:10:5: model "client-server" is already defined at defaults/models.yaml:11:5`,
			},
		},
		{
			name: "kind-specific keys",
			src: `properties:
  - name: p
    kind: invariant
    formula: A.closed
    fairness: [weak timers]
  - name: q
    kind: leads-to
    formula: A.closed
  - name: r
    kind: invariant
    formula: A.closed ~> B.closed
  - name: s
    kind: eventually
    formula: A.closed
    fairness: [weak timer, fair users]
  - name: u
    kind: invariant
    formula: A.closed
    arcs: [1]
`,
			want: []string{
				`p.yaml:5:5: fairness applies only to eventually and leads-to properties, not to invariant`,
				"p.yaml:8:22: a leads-to formula has the form P ~> Q (\"whenever P, eventually Q\"); \"~>\" is missing\n\t    formula: A.closed\n\t                     ^",
				"p.yaml:11:23: \"~>\" belongs to leads-to properties, not to invariant\n\t    formula: A.closed ~> B.closed\n\t                      ^",
				`p.yaml:15:16: unknown action class "timer" in fairness (did you mean "timers"?)`,
				`p.yaml:15:28: a fairness assumption is "weak" or "strong" followed by timers, users, delivery or all, as in "weak timers"; found "fair users"`,
				`p.yaml:19:5: "arcs" applies only to coverage properties, not to invariant`,
			},
		},
		{
			name: "vacuous",
			src: `properties:
  - name: a
    kind: leads-to
    formula: A.closed ~> B.closed
    vacuous: yes
  - name: b
    kind: invariant
    formula: A.closed
    vacuous: expected
  - name: c
    kind: eventually
    formula: A.closed
    expect: violated
    vacuous: expected
  - name: d
    kind: coverage
    arcs: [1]
    vacuous: expected
`,
			want: []string{
				`p.yaml:5:14: vacuous takes the one value "expected" (a property whose pass is vacuous on purpose), found "yes"`,
				`p.yaml:9:5: vacuous applies only to eventually and leads-to properties, not to invariant`,
				`p.yaml:14:5: vacuous: expected goes with expect: holds, since only a pass can be vacuous; this property expects violated`,
				`p.yaml:18:5: vacuous applies only to eventually and leads-to properties`,
			},
		},
		{
			name: "missing keys and bad values",
			src: `properties:
  - kind: invariant
    formula: A.closed
  - name: two words
    formula: A.closed
  - name: v
    kind: invariant
    formula: A.closed
    expect: hold
`,
			want: []string{
				`p.yaml:2:5: a property needs a name`,
				`p.yaml:4:5: a property needs a kind (one of invariant, quiescent-invariant, deadlock-free, reachable, step-invariant, eventually, leads-to, necessity, coverage)`,
				`p.yaml:4:14: property name "two words" holds ' ', which is not allowed: a name is made of ASCII letters, digits, '.', '_' and '-', such as client-server`,
				`p.yaml:9:13: an expected verdict is holds or violated, found "hold" (did you mean "holds"?)`,
			},
		},
		{
			// Names are limited so that --property (which splits at commas)
			// can select every one, each has a trace file of its own, and
			// none drives a terminal when it is printed.
			name: "names outside the safe set",
			src: `models:
  - name: café
    extends: client-server
  - name: ""
    extends: client-server
properties:
  - name: a,b
    kind: invariant
    formula: A.closed
  - name: a/b
    kind: invariant
    formula: A.closed
  - name: "\e[2J\e[31mevil"
    kind: invariant
    formula: A.closed
  - name: ok.name_2-x
    kind: invariant
    formula: A.closed
`,
			want: []string{
				`p.yaml:2:14: model name "café" holds 'é', which is not allowed: a name is made of ASCII letters, digits, '.', '_' and '-', such as client-server`,
				`p.yaml:4:11: a model name is made of ASCII letters, digits, '.', '_' and '-', such as client-server; found an empty name`,
				`p.yaml:7:12: property name "a,b" holds ',', which is not allowed: a name is made of ASCII letters, digits, '.', '_' and '-', such as client-server`,
				`p.yaml:10:12: property name "a/b" holds '/', which is not allowed: a name is made of ASCII letters, digits, '.', '_' and '-', such as client-server`,
				`p.yaml:13:11: property name "\x1b[2J\x1b[31mevil" holds '\x1b', which is not allowed: a name is made of ASCII letters, digits, '.', '_' and '-', such as client-server`,
			},
		},
		{
			name: "step variables outside a step invariant",
			src: `properties:
  - name: p
    kind: invariant
    formula: 'step.received has RST'
`,
			want: []string{"p.yaml:4:15: step variables are only available in a step-invariant, which looks at one step\n\t    formula: 'step.received has RST'\n\t              ^"},
		},
		{
			name: "not YAML",
			src:  "properties:\n  - name: p\n   kind: x\n",
			want: []string{`p.yaml:3:4: invalid YAML: did not find expected '-' indicator`},
		},
		{
			name: "not a mapping",
			src:  "- a\n- b\n",
			want: []string{`p.yaml:1:1: a property file must be a mapping of keys to values, found a list`},
		},
		{
			name: "models and properties must be lists",
			src:  "models: {name: m}\nproperties: x\n",
			want: []string{
				`p.yaml:1:9: "models" must be a list of models, found a mapping`,
				`p.yaml:2:13: "properties" must be a list of properties, found "x"`,
			},
		},
		{
			name: "extends",
			src: `models:
  - {name: a1, extends: a2}
  - {name: a2, extends: a1}
  - {name: b1, extends: client-srv}
`,
			want: []string{
				`p.yaml:2:25: model "a1" extends itself through a cycle of "extends"`,
				`p.yaml:4:25: model "b1" extends "client-srv", which does not exist (did you mean "client-server"?)`,
			},
		},
		{
			name: "variants and overlays",
			src: `models:
  - name: m1
    variant: rfc1377
  - name: m2
    overlay:
      remove: [TIME-WAIT/rcv-rsst]
      replace:
        - {id: LAST-ACK/rto, from: CLOSED}
        - {id: NO/such, to: CLOSED}
      add:
        - {id: CLOSED/rcv-rst, from: CLOSED, on: close, to: CLOSED}
        - {id: X/new, from: CLOSED, to: LISTEN}
        - {id: X/on, from: CLOSED, on: {event: close, has: [SYN]}, to: LISTEN, send: [syn-ack, fin-ack], tell: resett}
`,
			want: []string{
				`p.yaml:3:14: unknown variant "rfc1377" (did you mean "rfc1337"?)`,
				`p.yaml:6:16: the table has no row "TIME-WAIT/rcv-rsst" (did you mean "TIME-WAIT/rcv-rst"?)`,
				`p.yaml:8:30: a replacing row keeps the state of the row it replaces; remove it and add a new row to move it`,
				`p.yaml:9:16: the table has no row "NO/such" to replace`,
				`p.yaml:11:16: the table already has a row "CLOSED/rcv-rst"; replace it instead of adding it`,
				`p.yaml:12:11: an added row needs "on"`,
				`p.yaml:13:55: "has" qualifies arriving segments; it does not apply to event close`,
				`p.yaml:13:96: unknown segment template "fin-ack" (did you mean "syn-ack"?)`,
				`p.yaml:13:112: unknown notice "resett" (did you mean "reset"?)`,
			},
		},
		{
			name: "an overlay that leaves the table partial",
			src: `models:
  - name: m
    overlay:
      remove: [CLOSED/rcv-rst]
`,
			want: []string{`p.yaml:4:7: the overlay cannot be applied: table rfc9293+overlay is not total: 336 events of CLOSED have no row, the first CLOSED on rcv RST (passive=false, text queued=false, CLOSE queued=false)`},
		},
		{
			name: "coverage",
			src: `properties:
  - name: c1
    kind: coverage
    arcs: [1, 21]
  - name: c2
    kind: coverage
    rows: [CLOSED/listen, CLOSED/lisen]
  - name: c3
    kind: coverage
  - name: c4
    kind: coverage
    arcs: all
    formula: x
`,
			want: []string{
				`p.yaml:4:15: "arcs" must be between 1 and 20, found 21`,
				`p.yaml:7:27: the table of model "client-server" has no row "CLOSED/lisen" (did you mean "CLOSED/listen"?)`,
				`p.yaml:8:5: coverage property "c3" needs "arcs" (numbers 1 to 20, or all) or "rows" (row IDs)`,
				`p.yaml:13:5: a coverage property lists "arcs" and "rows" instead of a formula`,
			},
		},
		{
			name: "necessity",
			src: `properties:
  - name: n1
    kind: necessity
    formula: A.closed
    mutation: no-time-wait
  - name: n2
    kind: necessity
    property-kind: invariant
    formula: A.closed
  - name: n3
    kind: necessity
    property-kind: invariant
    formula: A.closed
    mutation: no-timewait
  - name: n4
    kind: invariant
    formula: A.closed
    mutation: no-time-wait
`,
			want: []string{
				`p.yaml:2:5: necessity property "n1" needs "property-kind": the kind of the property the element is necessary for`,
				`p.yaml:6:5: necessity property "n2" needs "mutation": the variant or overlay that removes the element`,
				`p.yaml:14:15: unknown variant "no-timewait" for a mutation (did you mean "no-time-wait"?)`,
				`p.yaml:18:5: "mutation" applies only to necessity properties, not to invariant`,
			},
		},
		{
			name: "mutants",
			src: `properties:
  - name: m1
    kind: invariant
    formula: A.closed
    mutant: {expect: holds}
  - name: m2
    kind: invariant
    formula: A.closed
    mutant: {variant: linux, expect: maybe}
  - name: m3
    kind: invariant
    formula: A.closed
    mutant: {extends: nothing-like-it}
  - name: m4
    kind: invariant
    formula: A.closed
    mutant: {varaint: linux}
`,
			want: []string{
				`p.yaml:5:13: a mutant needs something to change: a variant, an overlay, another model (extends) or a setting`,
				`p.yaml:9:38: an expected verdict is holds or violated, found "maybe"`,
				`p.yaml:13:23: model "mutant of m3" extends "nothing-like-it", which does not exist`,
				`p.yaml:17:14: unknown key "varaint" in a mutant (did you mean "variant"?)`,
			},
		},
		{
			name: "retries out of range",
			src: `models:
  - {name: m1, retries: 4}
  - {name: m2, retries: [forever]}
`,
			want: []string{
				`p.yaml:2:25: "retries" must be between 0 and 3, or forever, found 4`,
				`p.yaml:3:25: "retries" must be the number of retransmissions per segment (0 to 3) or forever, found a list`,
			},
		},
		{
			name: "overflow loss",
			src: `models:
  - name: m
    network: {loss: overflw}
`,
			want: []string{
				`p.yaml:3:21: "loss" must be the number of segments the network may lose (0 to 7), unbounded, or overflow (only what a full channel cannot hold), found "overflw" (did you mean "overflow"?)`,
			},
		},
		{
			name: "user timeout after drain",
			src: `models:
  - name: m
    user-timeout: after-drian
  - name: n
    retries: forever
    user-timeout: after-drain
`,
			want: []string{
				`p.yaml:3:19: "user-timeout" is true, false or after-drain (the user gives up only once none of its own segments are in flight), found "after-drian" (did you mean "after-drain"?)`,
				`p.yaml:5:14: model "n" retries forever, so it cannot have a user timeout, which fires only once the retries run out (user-timeout: after-drain at p.yaml:6:19); add "user-timeout: false"`,
			},
		},
		{
			name: "retries forever with a user timeout",
			src: `models:
  - name: both
    retries: forever
    user-timeout: true
  - name: inherited
    extends: client-server
    retries: forever
  - name: forever
    extends: client-server
    retries: forever
    user-timeout: false
  - name: timeout-again
    extends: forever
    user-timeout: true
properties:
  - name: p
    model: forever
    kind: invariant
    formula: A.closed
    mutant: {user-timeout: true}
`,
			want: []string{
				`p.yaml:3:14: model "both" retries forever, so it cannot have a user timeout, which fires only once the retries run out (user-timeout: true at p.yaml:4:19); add "user-timeout: false"`,
				`p.yaml:7:14: model "inherited" retries forever, so it cannot have a user timeout, which fires only once the retries run out (user-timeout: true at defaults/models.yaml:23:19); add "user-timeout: false"`,
				`p.yaml:14:19: model "timeout-again" cannot have a user timeout: it retries forever (retries: forever at p.yaml:10:14), and the user timeout fires only once the retries run out; give "retries" a number (0 to 3) to have one`,
				`p.yaml:20:28: model "mutant of p" cannot have a user timeout: it retries forever (retries: forever at p.yaml:10:14), and the user timeout fires only once the retries run out; give "retries" a number (0 to 3) to have one`,
			},
		},
		{
			name: "a second document",
			src:  "properties: []\n---\nmodels: []\n",
			want: []string{`p.yaml:2:1: a file holds one YAML document; this is a second one`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, loadErrors(t, c.src))
		})
	}
}

// TestErrorListRendering checks what the CLI prints: one error per line.
func TestErrorListRendering(t *testing.T) {
	_, err := Parse("x.yaml", []byte("properties:\n  - name: p\n    kind: invariant\n    formula: A.closed\n    rfcs: []\n  - name: q\n    kind: invariant\n    formula: A.clsed\n"))
	require.Error(t, err)
	assert.Equal(t, `x.yaml:5:5: unknown key "rfcs" in a property (did you mean "rfc"?)`+"\n"+
		"x.yaml:8:16: an endpoint has no field \"clsed\" (did you mean \"closed\"?)\n"+
		"\t    formula: A.clsed\n"+
		"\t               ^", err.Error())
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	models := write("a-models.yml", `models:
  - name: mine
    extends: client-server
    network: {loss: 0}
`)
	props := write("b-props.yaml", `properties:
  - name: mine-1
    model: mine
    kind: invariant
    formula: A.state == ESTABLISHED && B.state == ESTABLISHED => A.synced_with_peer
  - name: on-default
    model: host-crash
    kind: reachable
    formula: A.crashed
`)
	write("notes.txt", "not a property file")

	s, err := Load([]string{dir})
	require.NoError(t, err)
	var names []string
	for _, p := range s.Properties {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"mine-1", "on-default"}, names, "a directory loads its .yaml and .yml files in name order, and no default property")
	defaults, err := LoadDefault()
	require.NoError(t, err)
	require.Len(t, s.Models, len(defaults.Models)+1, "the default models and mine")

	s2, err := Load([]string{props, models})
	require.NoError(t, err, "a property may name a model from a later file")
	assert.Equal(t, "mine", s2.Properties[0].ModelName)

	_, err = Load([]string{filepath.Join(dir, "missing.yaml")})
	require.Error(t, err)
	assert.Equal(t, filepath.Join(dir, "missing.yaml")+":1:1: cannot read: no such file or directory", err.Error())
}

// TestModelDecoding checks that every key of a model reaches the checker.
func TestModelDecoding(t *testing.T) {
	s, err := Parse("m.yaml", []byte(`models:
  - name: base
    description: |
      A base.
    variant: linux
    a: {open: passive, send: true, close: false, abort: true, crash: true}
    b: {open: none}
    network: {capacity: 3, reorder: true, loss: unbounded, duplicates: 2}
    retries: 3
    user-timeout: true
    reopens: 2
    reuse-isn: true
  - name: child
    extends: base
    a: {close: true}
    network: {loss: 2}
    reuse-isn: false
    overlay:
      name: tw-ignores-rst
      replace:
        - id: TIME-WAIT/rcv-rst
          to: TIME-WAIT
          tell: none
          timer: []
          note: Ignore it.
      add:
        - id: LISTEN/rto-extra
          from: LISTEN
          on: {event: rcv, has: "SYN,FIN", lacks: [ACK, RST], seq: [in-order, ahead], ack: none}
          guard: passive
          to: LISTEN
          send: [rst]
          do: [record-irs]
          timer: [stop-all]
          tell: exists
          cite: test
          arc: 3
      remove-states:
        - {state: CLOSING, to: TIME-WAIT}
`))
	require.NoError(t, err)
	base := findModel(t, s, "base")
	assert.Equal(t, "A base.", base.Description)
	m := base.Model
	assert.Equal(t, "linux", m.Table.Name())
	assert.Equal(t, checker.Role{Open: checker.PassiveOpen, Send: true, Abort: true, Crash: true}, m.A)
	assert.Equal(t, checker.Role{Open: checker.NoOpen}, m.B)
	assert.Equal(t, checker.Network{Capacity: 3, Reorder: true, Loss: true, LossBudget: 0, Duplicates: 2}, m.Net)
	assert.Equal(t, 3, m.Retries)
	assert.True(t, m.UserTimeout)
	assert.Equal(t, 2, m.Reopens)
	assert.True(t, m.ReuseISN)
	assert.Equal(t, "base", m.Name)

	child := findModel(t, s, "child").Model
	assert.Equal(t, "tw-ignores-rst", child.Table.Name())
	assert.Equal(t, checker.Role{Open: checker.PassiveOpen, Send: true, Close: true, Abort: true, Crash: true}, child.A, "extends keeps what the child does not change")
	assert.Equal(t, checker.Network{Capacity: 3, Reorder: true, Loss: true, LossBudget: 2, Duplicates: 2}, child.Net)
	assert.False(t, child.ReuseISN)
	assert.False(t, child.RetryForever)
	assert.False(t, child.Table.HasState(spec.Closing))

	i, ok := child.Table.RowIndex("TIME-WAIT/rcv-rst")
	require.True(t, ok)
	r := child.Table.Row(i)
	assert.Equal(t, spec.TimeWait, r.To)
	assert.Equal(t, spec.NoticeNone, r.Tell)
	assert.Equal(t, spec.Timer(0), r.Timer)
	assert.Equal(t, "Ignore it.", r.Note)
	assert.Equal(t, spec.Pattern{Kind: spec.Arrive, Has: spec.RST, Seq: spec.SeqsOf(spec.SeqInOrder, spec.SeqAhead)}, r.On, "a replacing row keeps what it does not change")

	i, ok = child.Table.RowIndex("LISTEN/rto-extra")
	require.True(t, ok)
	r = child.Table.Row(i)
	assert.Equal(t, spec.Row{
		ID: "LISTEN/rto-extra", From: spec.Listen,
		On:    spec.Pattern{Kind: spec.Arrive, Has: spec.SYN | spec.FIN, Lacks: spec.ACK | spec.RST, Seq: spec.SeqsOf(spec.SeqInOrder, spec.SeqAhead), Ack: spec.AcksOf(spec.AckNone)},
		Guard: spec.IfPassive, To: spec.Listen, Send: []spec.Output{spec.OutRST}, Do: spec.OpRecordIRS,
		Timer: spec.StopAll, Tell: spec.NoticeExists, Cite: "test", Arc: 3, Origin: spec.Added, Variant: "tw-ignores-rst",
	}, r)
}

// TestRetriesForever checks that "retries: forever" reaches the checker,
// and that a model extending one may bound its retries again.
func TestRetriesForever(t *testing.T) {
	s, err := Parse("m.yaml", []byte(`models:
  - name: forever
    extends: client-server
    retries: forever
    user-timeout: false
  - name: bounded-again
    extends: forever
    retries: 2
    user-timeout: true
`))
	require.NoError(t, err)
	m := findModel(t, s, "forever").Model
	assert.True(t, m.RetryForever)
	assert.False(t, m.UserTimeout)
	assert.Equal(t, 1, m.Retries, "forever leaves the count alone; the checker ignores it")
	require.NoError(t, m.Validate())

	b := findModel(t, s, "bounded-again").Model
	assert.False(t, b.RetryForever)
	assert.Equal(t, 2, b.Retries)
	assert.True(t, b.UserTimeout)
}

func findModel(t *testing.T, s *Suite, name string) *Model {
	t.Helper()
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no model %s", name)
	return nil
}

// TestParseNeverKeepsBrokenState checks that a failed load returns no
// suite, and that errors are deterministic from run to run.
func TestParseDeterministic(t *testing.T) {
	src := []byte("properties:\n  - {name: a, kind: x}\n  - {name: b, kind: invariant, formula: A.y}\n  - {name: c, kind: invariant, model: z, formula: A.closed}\n")
	s, err := Parse("d.yaml", src)
	assert.Nil(t, s)
	first := err.Error()
	for i := 0; i < 20; i++ {
		_, err := Parse("d.yaml", src)
		assert.Equal(t, first, err.Error())
	}
	assert.Equal(t, 3, strings.Count(first, "d.yaml:"))
}

// time-wait: 2msl or early, with a positioned error otherwise, and early
// flips a verdict: TIME-WAIT that may end at any moment lets a
// retransmitted FIN reset the peer in LAST-ACK.
func TestTimeWaitKey(t *testing.T) {
	_, err := Parse("p.yaml", []byte("models:\n  - name: m\n    time-wait: soon\n"))
	require.EqualError(t, err, `p.yaml:3:16: "time-wait" is 2msl (the 2MSL timer waits until nothing of the connection is in flight and the peer will not retransmit) or early (it may fire at any moment), found "soon"`)
	src := `models:
  - name: closing
    extends: lossy-fifo
  - name: closing-early
    extends: lossy-fifo
    time-wait: early
properties:
  - {name: p, model: closing, kind: step-invariant, formula: "forall(X, before.X.state == LAST-ACK => X.ended != reset)"}
  - {name: q, model: closing-early, kind: step-invariant, formula: "forall(X, before.X.state == LAST-ACK => X.ended != reset)"}
`
	s, err := Parse("p.yaml", []byte(src))
	require.NoError(t, err)
	early := false
	for _, m := range s.Models {
		if m.Name == "closing-early" {
			early = m.Model.EarlyTimeWait
		}
	}
	require.True(t, early)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Equal(t, checker.Holds, rs[0].Outcome.Verdict)
	require.Equal(t, checker.Violated, rs[1].Outcome.Verdict)
}
