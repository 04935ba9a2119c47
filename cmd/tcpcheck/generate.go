package main

// The pictures in the README are drawn by tcpcheck itself. Regenerate them
// with go generate ./cmd/tcpcheck (Graphviz's dot must be installed).
//
//go:generate go run . graph -o ../../docs/states.dot
//go:generate go run . graph -T svg -o ../../docs/states.svg
//go:generate go run . graph --kind trace --property time-wait-assassination -o ../../docs/counterexample.dot
//go:generate go run . graph --kind trace --property time-wait-assassination -T svg -o ../../docs/counterexample.svg
