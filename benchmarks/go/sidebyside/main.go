// The Go twin of io.gmp4j.benchmarks.SideBySide: the same workloads, parameters, defaults and
// RESULT lines, so that benchmarks/vs-go.sh can run Go, gmp4j and the JDK's virtual threads side
// by side, each in a fresh process. Standard library only; builds with Go 1.19:
//
//	go build -o benchmarks/target/go-sidebyside benchmarks/go/sidebyside/main.go
//	go-sidebyside WORKLOAD[,WORKLOAD...] [--procs N] [--n N] [--capacity C] [--warmup W]
//	              [--passes P] [--calls C] [--timeout SECONDS]
//
// Workloads (see SideBySide's Javadoc for what each measures): pingpong, fanout, spawn, wake,
// parkedmem, uneven, syscallmix (parkpingpong has no Go twin: Go has no park/unpark API).
// --procs sets runtime.GOMAXPROCS. Each workload warms up, times its measured passes and prints
//
//	RESULT workload=W variant=V procs=P impl=go metric=M value=X n=N passes=K min=A max=B [check=0x…]
//
// with the median of the passes as value. A wrong result prints "FAIL ..." and exits 1; a run
// not finished within --timeout seconds prints "STALL ..." and exits 2.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	fanoutWorkers   = 2
	fanoutRounds    = 200 // FanOutFanInBenchmark.ROUNDS
	mixCPU          = 2
	mixBlocking     = 50
	mixSleepMicros  = 5000
	defaultNotGiven = -1
)

var (
	procs    int
	nFlag    int64
	capacity int
	warmupF  int
	passesF  int
	calls    int
	timeout  int
	workload string
)

func nOr(d int64) int64 {
	if nFlag < 0 {
		return d
	}
	return nFlag
}

func warmupOr(d int) int {
	if warmupF < 0 {
		return d
	}
	return warmupF
}

func passesOr(d int) int {
	if passesF < 0 {
		return d
	}
	return passesF
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL workload=%s impl=go procs=%d: %s\n", workload, procs, fmt.Sprintf(format, args...))
	os.Exit(1)
}

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fail("validation failed: "+format, args...)
	}
}

func result(variant, metric string, values []float64, n int64, chk string) {
	v := append([]float64(nil), values...)
	sort.Float64s(v)
	k := len(v)
	med := v[k/2]
	if k%2 == 0 {
		med = (v[k/2-1] + v[k/2]) / 2
	}
	extra := ""
	if chk != "" {
		extra = " check=" + chk
	}
	fmt.Printf("RESULT workload=%s variant=%s procs=%d impl=go metric=%s value=%.4f n=%d passes=%d min=%.4f max=%.4f%s\n",
		workload, variant, procs, metric, med, n, k, v[0], v[k-1], extra)
}

func hex(x uint64) string { return "0x" + strconv.FormatUint(x, 16) }

// passes runs warm-up passes, then measured ones; returns the measured values.
func passes(warmup, measured int, pass func() float64) []float64 {
	w, m := warmupOr(warmup), passesOr(measured)
	for i := 0; i < w; i++ {
		pass()
	}
	values := make([]float64, m)
	for i := range values {
		values[i] = pass()
	}
	return values
}

// work: units rounds of Marsaglia's xorshift64 from a seed (SideBySide.work).
func work(seed, units uint64) uint64 {
	x := seed*0x9E3779B97F4A7C15 + 1
	for k := uint64(0); k < units; k++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// fanWork: FanOutFanInBenchmark.work, 200 rounds of xorshift64 on the value itself.
func fanWork(x uint64) uint64 {
	for r := 0; r < fanoutRounds; r++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// ---------------------------------------------------------------- workloads

func pingpong() {
	n := int(nOr(200_000))
	ns := passes(3, 5, func() float64 {
		ping, pong := make(chan int), make(chan int)
		var wg sync.WaitGroup
		wg.Add(2)
		var elapsed time.Duration
		var okBack, seen int
		go func() {
			defer wg.Done()
			t0 := time.Now()
			ok := 0
			for i := 0; i < n; i++ {
				v := i & 127
				ping <- v
				if <-pong == v {
					ok++
				}
			}
			elapsed = time.Since(t0)
			okBack = ok
		}()
		go func() {
			defer wg.Done()
			k := 0
			for i := 0; i < n; i++ {
				pong <- <-ping
				k++
			}
			seen = k
		}()
		wg.Wait()
		check(okBack == n && seen == n, "pingpong: %d values came back right, pong saw %d, expected %d", okBack, seen, n)
		return float64(elapsed.Nanoseconds()) / (2 * float64(n))
	})
	result("-", "ns_per_handoff", ns, int64(n), "")
}

func fanout() {
	n := int(nOr(1_000_000))
	var expected uint64
	for i := 0; i < n; i++ {
		expected += fanWork(uint64(i + 1))
	}
	rate := passes(1, 3, func() float64 {
		in, out := make(chan uint64, capacity), make(chan uint64, capacity)
		running := int32(fanoutWorkers)
		done := make(chan struct{})
		var count, sum uint64
		t0 := time.Now()
		go func() {
			for i := 0; i < n; i++ {
				in <- uint64(i + 1)
			}
			close(in)
		}()
		for w := 0; w < fanoutWorkers; w++ {
			go func() {
				for v := range in {
					out <- fanWork(v)
				}
				if atomic.AddInt32(&running, -1) == 0 {
					close(out)
				}
			}()
		}
		go func() {
			var s, k uint64
			for v := range out {
				s += v
				k++
			}
			count, sum = k, s
			close(done)
		}()
		<-done
		elapsed := time.Since(t0)
		check(count == uint64(n) && sum == expected, "fanout: collected %d items summing to %s, expected %d summing to %s",
			count, hex(sum), n, hex(expected))
		return float64(n) / elapsed.Seconds()
	})
	result(fmt.Sprintf("cap%d", capacity), "items_per_s", rate, int64(n), hex(expected))
}

// checkAllSet fails unless every slot is 1, then clears them.
func checkAllSet(slots []byte, what string) {
	missing := 0
	for i := range slots {
		if slots[i] != 1 {
			missing++
		}
		slots[i] = 0
	}
	check(missing == 0, "%s: %d of %d slots not set", what, missing, len(slots))
}

func spawn() {
	n := int(nOr(1_000_000))
	ran := make([]byte, n)
	ns := passes(2, 3, func() float64 {
		var wg sync.WaitGroup
		wg.Add(n)
		t0 := time.Now()
		for i := 0; i < n; i++ {
			id := i
			go func() {
				ran[id] = 1
				wg.Done()
			}()
		}
		wg.Wait()
		elapsed := time.Since(t0)
		checkAllSet(ran, "spawn")
		return float64(elapsed.Nanoseconds()) / float64(n)
	})
	result("-", "ns_per_goroutine", ns, int64(n), "")
}

func wake() {
	n := int(nOr(1_000_000))
	woke := make([]byte, n)
	ms := passes(1, 2, func() float64 {
		gate := make(chan bool)
		var started, finished sync.WaitGroup
		started.Add(n)
		finished.Add(n)
		for i := 0; i < n; i++ {
			id := i
			go func() {
				started.Done()
				if _, ok := <-gate; !ok {
					woke[id] = 1
				}
				finished.Done()
			}()
		}
		// Every goroutine has counted itself; all but the few still running (at most one per
		// processor) are parked in the receive.
		started.Wait()
		t0 := time.Now()
		close(gate)
		finished.Wait()
		elapsed := time.Since(t0)
		checkAllSet(woke, "wake")
		return float64(elapsed.Nanoseconds()) / 1e6
	})
	result("-", "ms_wake", ms, int64(n), "")
}

func rssBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fail("cannot read /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line)
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				fail("bad VmRSS line %q", line)
			}
			return kb * 1024
		}
	}
	fail("no VmRSS in /proc/self/status")
	return 0
}

// settledMemory: RSS and live bytes (heap in use plus goroutine stacks) after GC.
func settledMemory() (int64, int64) {
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	time.Sleep(200 * time.Millisecond) // as the Java side: the collector may give memory back
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return rssBytes(), int64(ms.HeapAlloc + ms.StackInuse)
}

func parkedRound(n int, measure bool) (float64, float64) {
	gate := make(chan bool)
	var started, finished sync.WaitGroup
	started.Add(n)
	finished.Add(n)
	woke := make([]byte, n)
	var rss0, live0 int64
	if measure {
		rss0, live0 = settledMemory()
	}
	for i := 0; i < n; i++ {
		id := i
		go func() {
			started.Done()
			if _, ok := <-gate; !ok {
				woke[id] = 1
			}
			finished.Done()
		}()
	}
	started.Wait()
	var rss1, live1 int64
	if measure {
		rss1, live1 = settledMemory()
	}
	close(gate)
	finished.Wait()
	checkAllSet(woke, "parkedmem")
	return float64(rss1-rss0) / float64(n), float64(live1-live0) / float64(n)
}

func parkedmem() {
	n := int(nOr(100_000))
	for w := 0; w < warmupOr(1); w++ {
		m := n / 10
		if m < 1 {
			m = 1
		}
		parkedRound(m, false)
	}
	rss, live := parkedRound(n, true)
	result("-", "bytes_rss_per_goroutine", []float64{rss}, int64(n), "")
	result("-", "bytes_live_per_goroutine", []float64{live}, int64(n), "")
}

// splitmix64, for the uneven task sizes (SideBySide.SplitMix64).
type splitMix64 struct{ state uint64 }

func (r *splitMix64) next() uint64 {
	r.state += 0x9E3779B97F4A7C15
	z := r.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *splitMix64) below(bound uint64) uint64 { return r.next() % bound }

func unevenSizes(tasks int) []uint64 {
	r := &splitMix64{state: 42}
	units := make([]uint64, tasks)
	for i := range units {
		if r.below(100) == 0 {
			units[i] = 200_000 + r.below(800_000)
		} else {
			units[i] = 200 + r.below(1_800)
		}
	}
	return units
}

func uneven() {
	n := int(nOr(10_000))
	units := unevenSizes(n)
	results := make([]uint64, n)
	var want uint64
	seq := time.Duration(1<<63 - 1)
	sequential := func() uint64 {
		t0 := time.Now()
		var s uint64
		for i := 0; i < n; i++ {
			s += work(uint64(i+1), units[i])
		}
		if d := time.Since(t0); d < seq {
			seq = d
		}
		return s
	}
	want = sequential()
	warmup, measured := warmupOr(3), passesOr(5)
	makespans := make([]time.Duration, measured)
	for pass := 0; pass < warmup+measured; pass++ {
		if pass == warmup {
			seq = time.Duration(1<<63 - 1)
			for r := 0; r < 3; r++ {
				check(sequential() == want, "uneven: the sequential sum changed")
			}
		}
		var wg sync.WaitGroup
		wg.Add(n)
		t0 := time.Now()
		for i := 0; i < n; i++ {
			id := i
			go func() {
				results[id] = work(uint64(id+1), units[id])
				wg.Done()
			}()
		}
		wg.Wait()
		makespan := time.Since(t0)
		var s uint64
		for i := range results {
			s += results[i]
			results[i] = 0
		}
		check(s == want, "uneven: tasks sum to %s, expected %s", hex(s), hex(want))
		if pass >= warmup {
			makespans[pass-warmup] = makespan
		}
	}
	eff := make([]float64, measured)
	span := make([]float64, measured)
	for i, m := range makespans {
		span[i] = float64(m.Nanoseconds()) / 1e6
		eff[i] = 100 * float64(seq.Nanoseconds()) / (float64(m.Nanoseconds()) * float64(procs))
	}
	result("-", "efficiency_pct", eff, int64(n), hex(want))
	result("-", "makespan_ms", span, int64(n), "")
	result("-", "seq_ms", []float64{float64(seq.Nanoseconds()) / 1e6}, int64(n), "")
}

// mixRound runs the CPU goroutines with `blockers` goroutines making blocking 5 ms sleeps
// (syscall.Nanosleep: a real blocking system call, so the runtime hands the P off as it does
// for any syscall that outlasts sysmon's check); returns the CPU and blocking times in ms.
func mixRound(units uint64, blockers int, expected []uint64) (float64, float64) {
	cpuEnd := make([]time.Duration, mixCPU)
	cpuResult := make([]uint64, mixCPU)
	blockingEnd := make([]time.Duration, blockers)
	var callsMade int64
	var wg sync.WaitGroup
	wg.Add(mixCPU + blockers)
	t0 := time.Now()
	for i := 0; i < mixCPU; i++ {
		id := i
		go func() {
			defer wg.Done()
			cpuResult[id] = work(uint64(id+1), units)
			cpuEnd[id] = time.Since(t0)
		}()
	}
	for i := 0; i < blockers; i++ {
		id := i
		go func() {
			defer wg.Done()
			ts := syscall.Timespec{Nsec: mixSleepMicros * 1000}
			for c := 0; c < calls; c++ {
				for {
					err := syscall.Nanosleep(&ts, nil)
					if err == nil {
						break
					}
					if err != syscall.EINTR {
						fail("syscallmix: nanosleep: %v", err)
					}
				}
				atomic.AddInt64(&callsMade, 1)
			}
			blockingEnd[id] = time.Since(t0)
		}()
	}
	wg.Wait()
	for i := range cpuResult {
		if expected[i] == 0 {
			expected[i] = cpuResult[i]
		}
		check(cpuResult[i] == expected[i], "syscallmix: CPU goroutine %d computed %s", i, hex(cpuResult[i]))
	}
	check(callsMade == int64(blockers*calls), "syscallmix: %d blocking calls, expected %d", callsMade, blockers*calls)
	var cpu, blk time.Duration
	for _, e := range cpuEnd {
		if e > cpu {
			cpu = e
		}
	}
	for _, e := range blockingEnd {
		if e > blk {
			blk = e
		}
	}
	return float64(cpu.Nanoseconds()) / 1e6, float64(blk.Nanoseconds()) / 1e6
}

func syscallmix() {
	units := uint64(nOr(250_000_000))
	expected := make([]uint64, mixCPU)
	warmup, measured := warmupOr(1), passesOr(3)
	delay := make([]float64, measured)
	blocking := make([]float64, measured)
	for pass := 0; pass < warmup+measured; pass++ {
		alone, _ := mixRound(units, 0, expected)
		mixCPUms, mixBlk := mixRound(units, mixBlocking, expected)
		if pass >= warmup {
			delay[pass-warmup] = mixCPUms / alone
			blocking[pass-warmup] = mixBlk
		}
	}
	result("-", "cpu_delay", delay, int64(units), hex(expected[0]^expected[1]))
	result("-", "blocking_ms", blocking, int64(units), "")
}

// ---------------------------------------------------------------- main

var workloads = map[string]func(){
	"pingpong":   pingpong,
	"fanout":     fanout,
	"spawn":      spawn,
	"wake":       wake,
	"parkedmem":  parkedmem,
	"uneven":     uneven,
	"syscallmix": syscallmix,
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: go-sidebyside WORKLOAD[,WORKLOAD...] [--procs N] [--n N] [--capacity C] [--warmup W]
                     [--passes P] [--calls C] [--timeout SECONDS]
  workloads: pingpong fanout spawn wake parkedmem uneven syscallmix`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		usage()
	}
	names := strings.Split(os.Args[1], ",")
	for _, w := range names {
		if _, ok := workloads[w]; !ok {
			fmt.Fprintf(os.Stderr, "go-sidebyside: unknown workload '%s'\n", w)
			usage()
		}
	}
	fs := flag.NewFlagSet("go-sidebyside", flag.ExitOnError)
	fs.IntVar(&procs, "procs", 2, "GOMAXPROCS")
	fs.Int64Var(&nFlag, "n", defaultNotGiven, "size (the workload's default if not given)")
	fs.IntVar(&capacity, "capacity", 0, "fanout's channel capacity")
	fs.IntVar(&warmupF, "warmup", defaultNotGiven, "warm-up passes")
	fs.IntVar(&passesF, "passes", defaultNotGiven, "measured passes")
	fs.IntVar(&calls, "calls", 20, "syscallmix: blocking calls per blocking goroutine")
	fs.IntVar(&timeout, "timeout", 180, "seconds before a run counts as stalled")
	fs.Parse(os.Args[2:])
	if fs.NArg() > 0 || procs < 1 || capacity < 0 || calls < 0 || timeout < 1 || passesF == 0 || (nFlag >= 0 && nFlag < 1) {
		fmt.Fprintln(os.Stderr, "go-sidebyside: bad arguments", os.Args[2:])
		usage()
	}
	runtime.GOMAXPROCS(procs)
	for _, w := range names {
		workload = w
		name := w
		stall := time.AfterFunc(time.Duration(timeout)*time.Second, func() {
			fmt.Fprintf(os.Stderr, "STALL workload=%s impl=go procs=%d: not finished after %d s (goroutines: %d)\n",
				name, procs, timeout, runtime.NumGoroutine())
			os.Exit(2)
		})
		workloads[w]()
		stall.Stop()
	}
}
