package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"5s", 5 * time.Second, ""},
		{"1m30s", 90 * time.Second, ""},
		{"5", 0, "has no unit; write it as a Go duration such as 5s"},
		{"1.5", 0, "no unit"},
		{"soon", 0, "not a duration"},
		{"0s", 0, "longer than zero"},
		{"-3m", 0, "longer than zero"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDuration(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got %v, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "yes": true, "on": true, "false": false, "0": false, "No": false, "off": false} {
		t.Run(in, func(t *testing.T) {
			got, err := parseBool(in)
			if err != nil || got != want {
				t.Errorf("got %v, %v; want %v", got, err, want)
			}
		})
	}
	if _, err := parseBool("2"); err == nil {
		t.Error(`parseBool("2"): got no error`)
	}
}

func TestParseChatIDs(t *testing.T) {
	tests := []struct {
		in      string
		want    []int64
		wantErr string
	}{
		{"", nil, ""},
		{"12345", []int64{12345}, ""},
		{"1,-1001234567890", []int64{1, -1001234567890}, ""},
		{" 1 , 2,,3, ", []int64{1, 2, 3}, ""},
		{"1 2\n3", []int64{1, 2, 3}, ""},
		{"1,1,2", []int64{1, 2}, ""},
		{"1,abc", nil, `"abc"`},
		{"0", nil, "not a chat ID"},
		{"99999999999999999999", nil, "not a chat ID"},
		{"1.5", nil, "not a chat ID"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseChatIDs(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got %v, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParseSlackIDs(t *testing.T) {
	got, err := parseSlackIDs("C0123ABCD, T0123ABCD;G999")
	if want := []string{"C0123ABCD", "T0123ABCD", "G999"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"#general", "C-1", "general channel", "c0123abcd", "CHANNEL"} {
		if _, err := parseSlackIDs(bad); err == nil {
			t.Errorf("parseSlackIDs(%q): got no error", bad)
		}
	}
}

func TestParseAddr(t *testing.T) {
	for _, ok := range []string{":8080", "127.0.0.1:8080", "[::1]:0", "localhost:443", "0.0.0.0:65535"} {
		if _, err := parseAddr(ok); err != nil {
			t.Errorf("parseAddr(%q): %v", ok, err)
		}
	}
	for bad, want := range map[string]string{"8080": "no port", "localhost": "no port", "host:port": "0 to 65535", "a:1:2": "not a host:port", ":-1": "0 to 65535"} {
		if _, err := parseAddr(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAddr(%q): got %v, want %q", bad, err, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := map[string]string{
		"server.adr":      `"server.addr"`,
		"slack.bot-token": `"slack.bot_token"`,
		"pprof":           `"server.pprof", under server:`,
		"zzzzzzzzzzzzz":   "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			got := suggest(in)
			if want == "" && got != "" || !strings.Contains(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// FuzzParseList checks the list parsers: no panics, and what parses
// survives a print and re-parse unchanged.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{"1,2,3", "-1001234567890", " , ,", "1 2\t3\n4", "C1,T2", "9223372036854775807,-9223372036854775808", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ids, err := parseChatIDs(s); err == nil {
			c := Config{Telegram: Telegram{AllowedChats: ids}}
			back, err := parseChatIDs(chatIDsVal(func(c *Config) *[]int64 { return &c.Telegram.AllowedChats }).get(&c))
			if err != nil || !slices.Equal(back, ids) {
				t.Fatalf("%q: re-parse gave %v, %v; want %v", s, back, err, ids)
			}
		}
		if ids, err := parseSlackIDs(s); err == nil {
			back, err := parseSlackIDs(strings.Join(ids, ","))
			if err != nil || !slices.Equal(back, ids) {
				t.Fatalf("%q: re-parse gave %v, %v; want %v", s, back, err, ids)
			}
		}
	})
}

// FuzzParseDuration checks that durations parse or fail cleanly and that
// what parses prints back to the same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"5s", "1h2m3.5s", "5", "-1s", "9999999999h", "1e3s", ".s", "µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		if d <= 0 {
			t.Fatalf("%q: accepted non-positive %v", s, d)
		}
		if back, err := parseDuration(d.String()); err != nil || back != d {
			t.Fatalf("%q: %v prints as %q, which parses to %v, %v", s, d, d.String(), back, err)
		}
	})
}

// FuzzEnv sets one setting from the environment to arbitrary text. Load may
// refuse it but must not panic, and a refused secret is never quoted.
func FuzzEnv(f *testing.F) {
	for i, s := range settings {
		f.Add(uint8(i), samples[s.Key][0])
		f.Add(uint8(i), "S3CRET value")
	}
	f.Fuzz(func(t *testing.T, i uint8, v string) {
		s := settings[int(i)%len(settings)]
		c, err := Load(nil, env(map[string]string{s.Env: v}))
		if err != nil {
			if s.hidden() && strings.Contains(v, "S3CRET") && strings.Contains(err.Error(), "S3CRET") {
				t.Fatalf("error quotes the secret: %v", err)
			}
			return
		}
		_ = c.String()
		_, _ = c.MarshalJSON()
	})
}
