package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The parsers below turn one setting's text, from a flag, the environment
// or the config file, into its value. Their errors describe what is wrong
// with the value and how to fix it, phrased to follow the value: Load
// prefixes them with the quoted value (or "the value" for secrets) and the
// setting's names.

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return 0, fmt.Errorf("has no unit; write it as a Go duration such as %ss or %sms", s, s)
		}
		return 0, errors.New("is not a duration; write it as a Go duration such as 5s, 1m30s or 2h")
	}
	if d <= 0 {
		return 0, errors.New("must be longer than zero; write it as a Go duration such as 5s or 1m30s")
	}
	return d, nil
}

func parseInt(s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("is not a whole number; write digits only, between %d and %d", lo, hi)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("is out of range; use a number between %d and %d", lo, hi)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, errors.New("is not a boolean; use true or false")
}

// splitList splits a list written as one string: items separated by
// commas and/or whitespace. Empty items (a trailing comma) are dropped.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// parseChatIDs parses Telegram chat IDs. Group and channel IDs are
// negative, so a leading minus is part of the ID. Duplicates are dropped.
func parseChatIDs(s string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, item := range splitList(s) {
		id, err := strconv.ParseInt(item, 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("has %q, which is not a chat ID; list numeric chat IDs separated by commas, such as 12345678,-1001234567890 (group IDs are negative)", truncate(item, 40))
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// slackIDPattern matches channel (C, G, D), team (T) and enterprise (E)
// IDs: upper case with at least one digit, which tells them from names.
var slackIDPattern = regexp.MustCompile(`^[CGDTE][A-Z0-9]*[0-9][A-Z0-9]*$`)

// parseSlackIDs parses Slack channel or team IDs such as C0123ABCD and
// T0123ABCD. Channel names (#general) are refused because they change.
func parseSlackIDs(s string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	for _, item := range splitList(s) {
		id := item
		if !slackIDPattern.MatchString(id) {
			return nil, fmt.Errorf("has %q, which is not a Slack channel or team ID; list IDs such as C0123ABCD or T0123ABCD separated by commas (a channel's ID is at the bottom of its details; names such as #general are not accepted)", truncate(item, 40))
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// parseAddr checks a listen address. The host may be empty (every
// interface); the port must be a number, 0 meaning any free port.
func parseAddr(s string) (string, error) {
	const fix = "use host:port, such as 127.0.0.1:8080, or :8080 to listen on every interface"
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		if !strings.Contains(s, ":") {
			return "", errors.New("has no port; " + fix)
		}
		return "", errors.New("is not a host:port address; " + fix)
	}
	if _, err := parseInt(port, 0, 65535); err != nil {
		return "", errors.New("has a port that is not a number from 0 to 65535; " + fix)
	}
	return s, nil
}

// parseURL checks an absolute URL whose scheme is one of schemes.
func parseURL(s string, example string, schemes ...string) (*url.URL, error) {
	fix := "use an absolute URL such as " + example
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("is not a URL; " + fix)
	}
	scheme := strings.ToLower(u.Scheme)
	ok := false
	for _, want := range schemes {
		ok = ok || scheme == want
	}
	if !ok {
		if u.Scheme == "" {
			return nil, errors.New("has no scheme; " + fix)
		}
		return nil, fmt.Errorf("has scheme %q, but only %s is accepted; %s", u.Scheme, strings.Join(schemes, " or "), fix)
	}
	if u.Host == "" && scheme != "unix" {
		return nil, errors.New("has no host; " + fix)
	}
	if u.Fragment != "" {
		return nil, errors.New("has a #fragment, which a server never sees; remove it")
	}
	return u, nil
}

func parseHTTPURL(s, example string) (*url.URL, error) {
	return parseURL(s, example, "http", "https")
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
