package citebot

// Reasons a model's work was not used, as the engine's and the generator's
// degrade and fallback hooks report them to metrics.
const (
	ReasonTimeout     = "timeout"      // the model did not answer in time
	ReasonRateLimited = "rate_limited" // the model server answered 429
	ReasonError       = "error"        // any other failure of the call
	ReasonUncited     = "uncited"      // the answer cited no passage validly
	ReasonUnsupported = "unsupported"  // the answer states numbers no passage holds, or is off the point
	ReasonIncomplete  = "incomplete"   // the answer stopped before the model said it had finished
)
