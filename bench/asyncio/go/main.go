// Go's side of the braid::asyncio benchmarks (standard library only). Prints one JSON line per
// measurement with the scenarios of bench/asyncio/asyncio_bench.cpp. GOMAXPROCS is 1, like one
// event loop: the goroutine scheduler's single-thread cost is what is compared.
//
//	go run . -n 1000000            (bench/asyncio/run.sh builds it with `go build`)
//	main -memory 1000000           one fresh process: bytes per sleeping goroutine
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func emit(m map[string]interface{}) {
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
}

func createAwait(n int) {
	ch := make(chan int)
	total := 0
	for i := 0; i < n; i++ {
		go func() { ch <- 1 }()
		total += <-ch
	}
	if total != n {
		panic("bad sum")
	}
}

func sleep0Switch(n int) {
	var wg sync.WaitGroup
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/2; i++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
}

func queuePingPong(n int) {
	a := make(chan int, 1)
	b := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			v := <-a
			b <- v
		}
		close(done)
	}()
	for i := 0; i < n; i++ {
		a <- i
		<-b
	}
	<-done
}

func timers(n int) {
	ts := make([]*time.Timer, n)
	for i := 0; i < n; i++ {
		ts[i] = time.AfterFunc(time.Duration(1+i%1000)*time.Second, func() {})
	}
	for _, t := range ts {
		t.Stop()
	}
}

func statusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, field) {
			v, _ := strconv.ParseInt(strings.Fields(line[len(field):])[0], 10, 64)
			return v
		}
	}
	return 0
}

func memory(n int) {
	var started sync.WaitGroup
	before := statusKB("VmRSS:")
	started.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			time.Sleep(time.Hour)
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // every goroutine is parked in Sleep
	after := statusKB("VmRSS:")
	emit(map[string]interface{}{"runtime": "go", "scenario": "sleeping_task_memory", "tasks": n,
		"bytes_per_task": float64(after-before) * 1024 / float64(n)})
}

func measure(name string, n int, fn func(int)) {
	best := time.Duration(0)
	for r := 0; r < 3; r++ {
		runtime.GC()
		t0 := time.Now()
		fn(n)
		d := time.Since(t0)
		if best == 0 || d < best {
			best = d
		}
	}
	emit(map[string]interface{}{"runtime": "go", "scenario": name, "n": n,
		"ns_per_op": float64(best.Nanoseconds()) / float64(n)})
}

func main() {
	n := flag.Int("n", 1000000, "operations per scenario")
	mem := flag.Int("memory", 0, "measure N sleeping goroutines (in this process) and exit")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	if *mem > 0 {
		memory(*mem)
		return
	}
	measure("create_await", *n, createAwait)
	measure("sleep0_switch", *n, sleep0Switch)
	measure("queue_ping_pong", *n, queuePingPong)
	measure("timers", *n, timers)
	out, err := exec.Command(os.Args[0], "-memory", strconv.Itoa(*n)).Output()
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
}
