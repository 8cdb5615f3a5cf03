package bot

// IsReady reports whether ready, a channel an adapter is given that is
// closed once its Answerer can answer (the index has loaded), has been
// closed. A nil channel means the Answerer was ready from the start.
func IsReady(ready <-chan struct{}) bool {
	if ready == nil {
		return true
	}
	select {
	case <-ready:
		return true
	default:
		return false
	}
}
