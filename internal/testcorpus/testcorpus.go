// Package testcorpus holds small invented corpora for tests, so that a
// heuristic is shown to work on text it was not written against and
// several packages' tests read the same text.
package testcorpus

import "testing/fstest"

// Town is two short documents about the bridges and mayors of three
// Norwegian towns: names listed together ("Bergen, Tromsø and Narvik"),
// years, and people introduced by their office.
func Town() fstest.MapFS {
	return fstest.MapFS{
		"bridges.txt": {Data: []byte("Bridges of the north\n\nThe old bridge in Tromsø opened in 1960. " +
			"The bridges of Bergen, Tromsø and Narvik are painted green. The Narvik bridge opened in 1974 " +
			"and the Bergen bridge in 1956. Engineers from Sweden and Denmark inspected the bridge at Narvik.\n")},
		"mayors.txt": {Data: []byte("Town halls\n\nThe mayor of Bergen is Marte Mjøs Persen. " +
			"Persen was elected in 2019. The mayor of Narvik is Rune Edvardsen, and the mayor of Tromsø is Gunnar Wilhelmsen.\n")},
	}
}
