package retrieval

import "strings"

// measure is what a quantity measures, read from its unit ("210 metres",
// "14.2 million dollars", "38 percent").
type measure int

const (
	measureNone measure = iota // a bare count or number
	measureLength
	measureDuration
	measureMoney
	measurePercent
	measureWeight
	measureArea
	measureSpeed
	measureTemperature
)

var unitMeasures = func() map[string]measure {
	m := map[string]measure{}
	add := func(ms measure, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = ms
		}
	}
	add(measureLength, `m metre metres meter meters km kilometre kilometres kilometer kilometers cm mm mile miles
		foot feet ft inch inches yard yards nautical`)
	add(measureDuration, `second seconds minute minutes hour hours day days week weeks month months year years
		decade decades century centuries`)
	add(measureMoney, `dollar dollars euro euros pound pounds sterling yen yuan franc francs rouble roubles ruble
		rubles rupee rupees usd eur gbp cents cent`)
	add(measurePercent, `percent per-cent percentage %`)
	add(measureWeight, `kg kilogram kilograms kilo kilos gram grams tonne tonnes ton tons lb lbs ounce ounces`)
	add(measureArea, `hectare hectares acre acres km2 m2 sq square`)
	add(measureSpeed, `mph kph km/h knots`)
	add(measureTemperature, `degree degrees celsius fahrenheit °c °f`)
	return m
}()

// wantedMeasures says which measures a quantity question accepts, from its
// wording: "how long" takes a length or a duration, "how much … cost" takes
// money. An empty result accepts anything.
func wantedMeasures(words []string) []measure {
	has := func(w string) bool {
		for _, x := range words {
			if x == w {
				return true
			}
		}
		return false
	}
	for i, w := range words {
		if w != "how" || i+1 >= len(words) {
			continue
		}
		switch words[i+1] {
		case "long":
			return []measure{measureLength, measureDuration}
		case "far", "tall", "high", "wide", "deep":
			return []measure{measureLength}
		case "old":
			return []measure{measureDuration, measureNone}
		case "hot", "cold", "warm":
			return []measure{measureTemperature}
		case "fast":
			return []measure{measureSpeed}
		case "heavy":
			return []measure{measureWeight}
		}
	}
	switch {
	case has("cost") || has("costs") || has("price") || has("spend") || has("spent") || has("pay") ||
		has("paid") || has("budget") || has("worth") || has("grant") || has("funding"):
		return []measure{measureMoney}
	case has("percentage") || has("percent") || has("share") || has("proportion"):
		return []measure{measurePercent}
	}
	return nil
}

// measureOf reads the unit that follows or precedes a quantity.
func measureOf(text string, toks []token, c candidate) measure {
	start, end := toks[c.i].start, toks[c.j-1].end
	if strings.HasPrefix(text[end:], "%") {
		return measurePercent
	}
	if start > 0 && strings.ContainsAny(text[max(0, start-3):start], "$€£¥") {
		return measureMoney
	}
	for k := c.i; k < c.j; k++ {
		if m, ok := unitMeasures[toks[k].norm]; ok {
			return m
		}
	}
	// The unit is usually the next word, after any scale word or "of".
	for k := c.j; k < len(toks) && k < c.j+2; k++ {
		if m, ok := unitMeasures[toks[k].norm]; ok {
			return m
		}
		if toks[k].norm != "of" && !scaleWords[toks[k].norm] {
			break
		}
	}
	return measureNone
}

// measureFit weighs a quantity against what the question asks for: the
// right unit doubles its weight, a unit of another kind rules it out.
func measureFit(want []measure, got measure) float64 {
	if len(want) == 0 {
		return 1
	}
	for _, w := range want {
		if w == got {
			return 2
		}
	}
	if got == measureNone {
		// A bare number may be an amount of money or a share ("cost 14.2
		// million"), but lengths, weights and temperatures carry units.
		for _, w := range want {
			if w == measureMoney || w == measurePercent {
				return 0.5
			}
		}
		return 0.25
	}
	return 0
}
