// bench/http/run_client.py's Go peer: net/http (standard library only), CONNECTIONS goroutines
// sharing one Transport whose pool holds CONNECTIONS keep-alive connections to the host.
// go run . URL REQUESTS CONNECTIONS   (GOMAXPROCS=1: one core, as the other clients)
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Sec+u.Stime.Sec) + float64(u.Utime.Usec+u.Stime.Usec)/1e6
}

func main() {
	runtime.GOMAXPROCS(1)
	url := os.Args[1]
	requests, _ := strconv.Atoi(os.Args[2])
	conns, _ := strconv.Atoi(os.Args[3])
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true}
	client := &http.Client{Transport: tr}
	var ok int64
	var wg sync.WaitGroup
	t0 := time.Now()
	c0 := cpuSeconds()
	for c := 0; c < conns; c++ {
		n := requests / conns
		if c < requests%conns {
			n++
		}
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				resp, err := client.Get(url)
				if err != nil {
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 && len(body) > 0 {
					atomic.AddInt64(&ok, 1)
				}
			}
		}(n)
	}
	wg.Wait()
	fmt.Printf("{\"requests\": %d, \"ok\": %d, \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n",
		requests, ok, time.Since(t0).Seconds(), cpuSeconds()-c0)
}
