package telegram

import "testing"

func TestRecent(t *testing.T) {
	r := newRecent[int, string](3)
	for i, s := range []string{"a", "b", "c", "d"} {
		r.put(i, s)
	}
	if _, ok := r.get(0); ok {
		t.Error("oldest entry kept past the size")
	}
	for i, want := range map[int]string{1: "b", 2: "c", 3: "d"} {
		if got, ok := r.get(i); !ok || got != want {
			t.Errorf("get(%d) = %q, %v; want %q", i, got, ok, want)
		}
	}
	if r.add(3, "x") {
		t.Error("add of a present key stored")
	}
	if !r.add(9, "z") {
		t.Error("add of a new key did not store")
	}
	if _, ok := r.get(1); ok {
		t.Error("entry 1 should have been evicted by add")
	}
	r.put(9, "zz")
	if got, _ := r.get(9); got != "zz" {
		t.Errorf("put did not overwrite: %q", got)
	}
	zero := newRecent[int, int](0)
	zero.put(1, 1)
	zero.put(2, 2)
	if _, ok := zero.get(2); !ok {
		t.Error("size 0 must still hold the newest entry")
	}
}
