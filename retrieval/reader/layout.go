package reader

// Feature is one non-zero entry of a sparse feature Vector.
type Feature struct {
	ID  int32
	Val float32
}

// layout names the features of one model. Names are built once, in a
// fixed order, from the blocks below; the weights file maps names to
// weights, so that adding a feature never shifts the others.
type layout struct {
	names []string
	index map[string]int
}

func (l *layout) add(name string) int {
	if l.index == nil {
		l.index = map[string]int{}
	}
	l.index[name] = len(l.names)
	l.names = append(l.names, name)
	return len(l.names) - 1
}

// block declares n features named prefix=label and returns the first id.
func (l *layout) block(prefix string, labels []string) int {
	base := len(l.names)
	for _, lb := range labels {
		l.add(prefix + "=" + lb)
	}
	return base
}

// cross declares a Feature for every pair of labels and returns the first
// id; pair (a, b) is base + a*len(bs) + b.
func (l *layout) cross(prefix string, as, bs []string) int {
	base := len(l.names)
	for _, a := range as {
		for _, b := range bs {
			l.add(prefix + "=" + a + "&" + b)
		}
	}
	return base
}

// Vector is a sparse feature vector.
type Vector []Feature

func (v *Vector) set(id int, val float64) {
	if val != 0 {
		*v = append(*v, Feature{ID: int32(id), Val: float32(val)})
	}
}

func (v *Vector) on(id int) { *v = append(*v, Feature{ID: int32(id), Val: 1}) }

// dot is the linear score of v under weights w.
func (v Vector) dot(w []float64) float64 {
	var s float64
	for _, f := range v {
		s += float64(f.Val) * w[f.ID]
	}
	return s
}

// dotAt is the linear score of v under the weights of w that start at off.
func (v Vector) dotAt(w []float64, off int) float64 {
	var s float64
	for _, f := range v {
		s += float64(f.Val) * w[off+int(f.ID)]
	}
	return s
}
