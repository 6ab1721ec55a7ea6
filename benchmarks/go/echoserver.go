// The Go reference server for the echo load test (io.gmp4j.benchmarks.EchoLoad, mode "go"):
// the same protocol as the gmp4j servers — read exactly SIZE bytes, write them back, until EOF —
// on Go's net package (its netpoller). Launched by EchoLoad with GOMAXPROCS set to --procs.
//
//	echoserver SIZE
//
// Prints "PORT n" once listening on 127.0.0.1; answers "MARK" on standard input with its
// counters; exits when standard input closes, printing a SERVER line.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

var echoes, accepted, active, handlerErrors atomic.Int64

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: echoserver SIZE")
		os.Exit(2)
	}
	size, err := strconv.Atoi(os.Args[1])
	if err != nil || size <= 0 {
		fmt.Fprintln(os.Stderr, "echoserver: SIZE must be a positive integer, got", os.Args[1])
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				handlerErrors.Add(1)
				return
			}
			accepted.Add(1)
			active.Add(1)
			go echo(c, size)
		}
	}()
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "MARK":
			fmt.Printf("MARK echoes=%d\n", echoes.Load())
		case "DUMP":
			fmt.Println("DUMPED none")
		}
	}
	t0 := time.Now()
	for active.Load() > 0 && time.Since(t0) < 5*time.Second {
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("SERVER mode=go accepted=%d open_handlers=%d drain_ms=%d handler_errors=%d gomaxprocs=%d go=%s\n",
		accepted.Load(), active.Load(), time.Since(t0).Milliseconds(), handlerErrors.Load(),
		runtime.GOMAXPROCS(0), runtime.Version())
}

func echo(c net.Conn, size int) {
	defer active.Add(-1)
	defer c.Close()
	buf := make([]byte, size)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			if err != io.EOF {
				handlerErrors.Add(1)
			}
			return
		}
		if _, err := c.Write(buf); err != nil {
			handlerErrors.Add(1)
			return
		}
		echoes.Add(1)
	}
}
