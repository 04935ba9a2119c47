// Package graphs draws tcpcheck's pictures as Graphviz DOT: the transition
// table as a state diagram laid out like RFC 9293 Figure 5, the reachable
// graph of a small model's joint states, and counterexamples as
// message-sequence charts with three lanes (A, the network, B).
//
// Every function builds a github.com/emicklei/dot graph and its output is
// byte-identical from run to run for the same input: nodes and edges are
// created in a fixed order and nothing depends on map iteration or time.
// Render runs Graphviz's dot to turn DOT into SVG or PNG.
package graphs
