package parallel

import (
	"fmt"
	"sync/atomic"
	"testing"
)

func TestForCallsEachStepOnce(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			calls := make([]atomic.Int32, n)
			For(n, func(i int) { calls[i].Add(1) })
			for i := range calls {
				if got := calls[i].Load(); got != 1 {
					t.Errorf("step %d called %d times, want 1", i, got)
				}
			}
		})
	}
}

func ExampleFor() {
	squares := make([]int, 5)
	For(len(squares), func(i int) { squares[i] = i * i })
	fmt.Println(squares)
	// Output: [0 1 4 9 16]
}
