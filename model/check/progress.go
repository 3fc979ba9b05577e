package check

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func (e *engine[S]) sampleHeap() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > e.peakHeap {
		e.peakHeap = ms.HeapAlloc
	}
}

// startProgress starts the progress printer, if any, and returns the function that stops it
// (printing a final line).
func (e *engine[S]) startProgress() func() {
	if e.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(e.opts.ProgressInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				e.printProgress(false)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		e.printProgress(true)
	}
}

func (e *engine[S]) printProgress(final bool) {
	el := time.Since(e.start)
	gen := e.generated.Load()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	word := "Progress"
	if final {
		word = "Finished"
	}
	label := ""
	if e.opts.Label != "" {
		label = e.opts.Label + ": "
	}
	fmt.Fprintf(e.opts.Progress,
		"%s%s(depth %d): %d states generated (%.0f s/s), %d distinct states found before this level, %d states of this level left to expand, %s elapsed, heap %s\n",
		label, word, e.depth, gen, float64(gen)/max(el.Seconds(), 1e-9), e.distinct,
		max(e.levelLeft.Load(), 0), el.Round(time.Millisecond), formatBytes(ms.HeapAlloc))
}
