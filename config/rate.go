package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a rate limit: at most Events in any window of length Per, with
// bursts of up to Events. The zero Rate means unlimited.
//
// It is written "N/unit", where unit is s, m or h or a Go duration:
// "10/m" is ten a minute, "1/s" one a second, "30/90s" thirty per 90
// seconds. "off" or "0" means unlimited.
type Rate struct {
	Events int
	Per    time.Duration
}

// Unlimited reports whether r places no limit.
func (r Rate) Unlimited() bool { return r.Events <= 0 || r.Per <= 0 }

// Every returns the interval at which one event's allowance is refilled,
// the form token-bucket limiters such as golang.org/x/time/rate take
// (rate.Every(r.Every()) with burst r.Events). It is 0 when unlimited.
func (r Rate) Every() time.Duration {
	if r.Unlimited() {
		return 0
	}
	return r.Per / time.Duration(r.Events)
}

// PerSecond returns the sustained rate in events per second, 0 when
// unlimited.
func (r Rate) PerSecond() float64 {
	if r.Unlimited() {
		return 0
	}
	return float64(r.Events) / r.Per.Seconds()
}

// String returns the canonical form that ParseRate accepts.
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	unit := r.Per.String()
	switch r.Per {
	case time.Second:
		unit = "s"
	case time.Minute:
		unit = "m"
	case time.Hour:
		unit = "h"
	}
	return strconv.Itoa(r.Events) + "/" + unit
}

// rateFix is how every rate error says what to write instead.
const rateFix = `write it as events/period, such as 10/m, 1/s, 100/h or 30/90s, or "off" for no limit`

// ParseRate parses the form described on Rate.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "0", "off", "none", "unlimited":
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("is not a rate; %s", rateFix)
	}
	events, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || events < 0 {
		return Rate{}, fmt.Errorf("does not start with a whole number of events; %s", rateFix)
	}
	if events == 0 {
		return Rate{}, nil
	}
	per = strings.TrimSpace(per)
	var d time.Duration
	switch per {
	case "s", "sec", "second":
		d = time.Second
	case "m", "min", "minute":
		d = time.Minute
	case "h", "hour":
		d = time.Hour
	default:
		d, err = time.ParseDuration(per)
		if err != nil {
			return Rate{}, fmt.Errorf("has an unknown period %q; %s", per, rateFix)
		}
	}
	if d <= 0 {
		return Rate{}, fmt.Errorf("has a period that is not positive; %s", rateFix)
	}
	if d/time.Duration(events) <= 0 {
		return Rate{}, fmt.Errorf("allows more than one event per nanosecond; %s", rateFix)
	}
	return Rate{Events: events, Per: d}, nil
}
