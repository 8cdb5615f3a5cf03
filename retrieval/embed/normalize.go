package embed

import "math"

// Normalize scales v to unit length in place and returns it, so that a dot
// product of two vectors is their cosine similarity. A zero vector stays
// zero.
func Normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}
