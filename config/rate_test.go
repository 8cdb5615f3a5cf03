package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr string
	}{
		{"10/m", Rate{10, time.Minute}, ""},
		{"1/s", Rate{1, time.Second}, ""},
		{"100/h", Rate{100, time.Hour}, ""},
		{" 30 / 90s ", Rate{30, 90 * time.Second}, ""},
		{"5/minute", Rate{5, time.Minute}, ""},
		{"off", Rate{}, ""},
		{"OFF", Rate{}, ""},
		{"0", Rate{}, ""},
		{"0/m", Rate{}, ""},
		{"", Rate{}, ""},
		{"10", Rate{}, "is not a rate"},
		{"ten/m", Rate{}, "whole number"},
		{"-1/m", Rate{}, "whole number"},
		{"10/fortnight", Rate{}, "unknown period"},
		{"10/-1s", Rate{}, "not positive"},
		{"10/0s", Rate{}, "not positive"},
		{"1000/1ns", Rate{}, "more than one event per nanosecond"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRate(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, %v; want error %q", got, err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), "10/m") {
					t.Errorf("error %q does not show an example", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestRateMethods(t *testing.T) {
	tests := []struct {
		r         Rate
		str       string
		every     time.Duration
		perSecond float64
	}{
		{Rate{}, "off", 0, 0},
		{Rate{10, time.Minute}, "10/m", 6 * time.Second, 10.0 / 60},
		{Rate{2, time.Second}, "2/s", 500 * time.Millisecond, 2},
		{Rate{30, 90 * time.Second}, "30/1m30s", 3 * time.Second, 30.0 / 90},
	}
	for _, tc := range tests {
		t.Run(tc.str, func(t *testing.T) {
			if got := tc.r.String(); got != tc.str {
				t.Errorf("String: got %q, want %q", got, tc.str)
			}
			if got := tc.r.Every(); got != tc.every {
				t.Errorf("Every: got %v, want %v", got, tc.every)
			}
			if got := tc.r.PerSecond(); got != tc.perSecond {
				t.Errorf("PerSecond: got %v, want %v", got, tc.perSecond)
			}
			if got := tc.r.Unlimited(); got != (tc.str == "off") {
				t.Errorf("Unlimited: got %v", got)
			}
		})
	}
}

// FuzzParseRate checks that any input parses or errors without panicking,
// and that what parses prints back to the same Rate.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"10/m", "1/s", "30/90s", "off", "0", "9223372036854775807/1ns", "1/-5m", "/", "5/", "1/1e9h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if !r.Unlimited() && r.Every() <= 0 {
			t.Fatalf("%q: Every() = %v for a limited rate", s, r.Every())
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("%q: String() %q parses to %v, %v; want %v", s, r.String(), back, err, r)
		}
	})
}
