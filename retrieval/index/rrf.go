package index

import "sort"

// rrfK damps the weight of top ranks in Reciprocal Rank Fusion. 60 is the
// value from Cormack et al. (2009) and works across very different scorers,
// which is the point: BM25 scores and cosine similarities are not on one
// scale, but ranks are.
const rrfK = 60

// FuseRRF merges rankings of IDs into one, best first. weights scale each
// ranking's contribution.
func FuseRRF(rankings [][]string, weights []float64) ([]string, map[string]float64) {
	score := map[string]float64{}
	for r, ids := range rankings {
		w := 1.0
		if r < len(weights) {
			w = weights[r]
		}
		for rank, id := range ids {
			score[id] += w / float64(rrfK+rank+1)
		}
	}
	ids := make([]string, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids, score
}
