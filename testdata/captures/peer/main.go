// Command peer is one end of a scripted TCP connection, for the capture
// corpus that generate.sh records. It runs a script of socket calls, one
// step after another:
//
//	peer -listen 10.77.2.1:8080 -script accept,read:5,close
//	peer -connect 10.77.2.1:8080 -script write:5,readeof,close
//
// Steps: accept (server: take the next connection), read:N (read N
// bytes), readeof (read until the peer's FIN), write:N (send N bytes),
// shutdown (SHUT_WR: send our FIN, keep reading), close, abort (SO_LINGER
// 0, then close: a RST), sleep:MS, touch:NAME and wait:NAME (create, or
// wait for, a file in -sync, so that the two ends can take turns), and
// again (client: connect anew from the same local port, then go on).
// With -conns N the client runs the script on N connections at once.
// It only ever talks to the address it is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "", "listen on this address (server)")
	connect := flag.String("connect", "", "connect to this address (client)")
	local := flag.String("local", "", "the client's local address (to reuse a port)")
	script := flag.String("script", "", "comma-separated steps")
	syncDir := flag.String("sync", os.TempDir(), "directory for touch: and wait: files")
	conns := flag.Int("conns", 1, "client: run the script on this many connections at once")
	flag.Parse()
	steps := strings.Split(*script, ",")
	var err error
	switch {
	case *listen != "":
		err = serve(*listen, steps, *syncDir)
	case *connect != "":
		var wg sync.WaitGroup
		errs := make([]error, *conns)
		for i := 0; i < *conns; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				// Stagger the connections so that their segments interleave
				// rather than move in lock step.
				time.Sleep(time.Duration(i) * 3 * time.Millisecond)
				errs[i] = client(*connect, *local, steps, *syncDir)
			}(i)
		}
		wg.Wait()
		err = errors.Join(errs...)
	default:
		err = errors.New("give -listen or -connect")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

// reuse sets SO_REUSEADDR, so that a client may bind the port of its
// previous connection and a server may listen again at once.
func reuse(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

func serve(addr string, steps []string, syncDir string) error {
	lc := net.ListenConfig{Control: reuse}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var conn *net.TCPConn
	for _, st := range steps {
		if st == "accept" {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			conn = c.(*net.TCPConn)
			continue
		}
		if err := run(&conn, st, syncDir, nil); err != nil {
			return fmt.Errorf("server step %s: %w", st, err)
		}
	}
	return nil
}

func client(addr, local string, steps []string, syncDir string) error {
	dial := func() (*net.TCPConn, error) {
		d := net.Dialer{Control: reuse, Timeout: 10 * time.Second}
		if local != "" {
			la, err := net.ResolveTCPAddr("tcp", local)
			if err != nil {
				return nil, err
			}
			d.LocalAddr = la
		}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return nil, err
		}
		return c.(*net.TCPConn), nil
	}
	// A refused connection is a scenario, not a failure: the step
	// "refused" expects it.
	if len(steps) > 0 && steps[0] == "refused" {
		if _, err := dial(); err == nil {
			return errors.New("the connection was not refused")
		}
		return nil
	}
	conn, err := dial()
	if err != nil {
		return err
	}
	for _, st := range steps {
		if err := run(&conn, st, syncDir, dial); err != nil {
			return fmt.Errorf("client step %s: %w", st, err)
		}
	}
	return nil
}

// run takes one step on *conn.
func run(conn **net.TCPConn, step, syncDir string, dial func() (*net.TCPConn, error)) error {
	name, arg, _ := strings.Cut(step, ":")
	n, _ := strconv.Atoi(arg)
	c := *conn
	switch name {
	case "write":
		_, err := c.Write(make([]byte, n))
		return err
	case "read":
		_, err := io.ReadFull(c, make([]byte, n))
		return err
	case "readeof":
		_, err := io.Copy(io.Discard, c)
		return err
	case "shutdown":
		return c.CloseWrite()
	case "close":
		return c.Close()
	case "abort":
		if err := c.SetLinger(0); err != nil {
			return err
		}
		return c.Close()
	case "sleep":
		time.Sleep(time.Duration(n) * time.Millisecond)
		return nil
	case "touch":
		return os.WriteFile(filepath.Join(syncDir, arg), nil, 0o644)
	case "wait":
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(syncDir, arg)); err == nil {
				return nil
			}
		}
		return fmt.Errorf("%s never appeared", arg)
	case "again":
		if dial == nil {
			return errors.New("only a client connects again")
		}
		nc, err := dial()
		if err != nil {
			return err
		}
		*conn = nc
		return nil
	}
	return fmt.Errorf("unknown step %q", step)
}
