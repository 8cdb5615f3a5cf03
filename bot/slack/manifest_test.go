package slack

// The app manifest is checked against Slack's manifest schema as far as
// citebot uses it: the structure, required fields and limits of
// slackapi/manifest-schema (schemas/manifest.schema.1.0.0.json) and, for
// features.assistant_view, which that schema file predates, Slack's "App
// manifest reference" (assistant_description required; suggested_prompts
// objects with title and message). Decoding with KnownFields rejects any
// key the schema does not allow, since every object in it sets
// additionalProperties to false.

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

type manifest struct {
	Metadata *struct {
		MajorVersion int `yaml:"major_version"`
		MinorVersion int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	DisplayInformation *struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		AppHome *struct {
			HomeTabEnabled             *bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         *bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled *bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser *struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline *bool  `yaml:"always_online"`
		} `yaml:"bot_user"`
		AssistantView *struct {
			AssistantDescription string `yaml:"assistant_description"`
			SuggestedPrompts     []struct {
				Title   string `yaml:"title"`
				Message string `yaml:"message"`
			} `yaml:"suggested_prompts"`
		} `yaml:"assistant_view"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape *bool  `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		RedirectURLs []string `yaml:"redirect_urls"`
		Scopes       struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
			UserEvents []string `yaml:"user_events"`
		} `yaml:"event_subscriptions"`
		Interactivity *struct {
			IsEnabled             *bool  `yaml:"is_enabled"`
			RequestURL            string `yaml:"request_url"`
			MessageMenuOptionsURL string `yaml:"message_menu_options_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     *bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    *bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled *bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

// readManifest decodes slack-app-manifest.yml strictly.
func readManifest(t *testing.T) manifest {
	t.Helper()
	raw, err := os.ReadFile("../../slack-app-manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var m manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("slack-app-manifest.yml does not fit Slack's schema: %v", err)
	}
	return m
}

func TestManifestFitsSlacksSchema(t *testing.T) {
	m := readManifest(t)
	check := func(field, value string, minLen, maxLen int) {
		t.Helper()
		if n := utf8.RuneCountInString(value); n < minLen || n > maxLen {
			t.Errorf("%s: %d characters, want %d to %d", field, n, minLen, maxLen)
		}
	}
	if m.Metadata != nil && (m.Metadata.MajorVersion < 1 || m.Metadata.MajorVersion > 2) {
		t.Errorf("_metadata.major_version %d, want 1 or 2", m.Metadata.MajorVersion)
	}
	d := m.DisplayInformation
	if d == nil {
		t.Fatal("display_information is required")
	}
	check("display_information.name", d.Name, 1, 35)
	check("display_information.description", d.Description, 1, 140)
	check("display_information.long_description", d.LongDescription, 175, 4000)
	if !regexp.MustCompile(`^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$`).MatchString(d.BackgroundColor) {
		t.Errorf("display_information.background_color %q is not #rgb or #rrggbb", d.BackgroundColor)
	}
	if b := m.Features.BotUser; b == nil {
		t.Error("features.bot_user is missing")
	} else {
		check("features.bot_user.display_name", b.DisplayName, 1, 80)
		if !regexp.MustCompile(`^[a-z0-9._-]+$`).MatchString(b.DisplayName) {
			t.Errorf("features.bot_user.display_name %q has characters Slack does not allow", b.DisplayName)
		}
	}
	if v := m.Features.AssistantView; v == nil {
		t.Error("features.assistant_view is missing")
	} else {
		if v.AssistantDescription == "" {
			t.Error("features.assistant_view.assistant_description is required")
		}
		for i, p := range v.SuggestedPrompts {
			if p.Title == "" || p.Message == "" {
				t.Errorf("features.assistant_view.suggested_prompts[%d] needs a title and a message", i)
			}
		}
	}
	httpURL := regexp.MustCompile(`^https?://`)
	if n := len(m.Features.SlashCommands); n < 1 || n > 50 {
		t.Errorf("features.slash_commands: %d, want 1 to 50", n)
	}
	for _, c := range m.Features.SlashCommands {
		check("slash command", c.Command, 2, 32)
		if c.Command[0] != '/' {
			t.Errorf("slash command %q must start with /", c.Command)
		}
		check("slash command description", c.Description, 1, 2000)
		if c.UsageHint != "" {
			check("slash command usage_hint", c.UsageHint, 1, 1000)
		}
		if c.URL != "" && !httpURL.MatchString(c.URL) {
			t.Errorf("slash command url %q is not http(s)", c.URL)
		}
	}
	for _, list := range [][]string{m.OAuthConfig.Scopes.Bot, m.Settings.EventSubscriptions.BotEvents} {
		seen := map[string]bool{}
		for _, s := range list {
			if s == "" || len(s) > 50 || seen[s] {
				t.Errorf("%q: scopes and events must be unique, non-empty and at most 50 characters", s)
			}
			seen[s] = true
		}
	}
	if i := m.Settings.Interactivity; i == nil || i.IsEnabled == nil {
		t.Error("settings.interactivity.is_enabled is required")
	}
	for _, u := range []string{m.Settings.EventSubscriptions.RequestURL, m.Settings.Interactivity.RequestURL} {
		if u != "" && !httpURL.MatchString(u) {
			t.Errorf("request_url %q is not http(s)", u)
		}
	}
}

// TestManifestMatchesTheAdapter checks that the manifest subscribes to the
// events the adapter handles, with the scopes each needs, and names the
// default command.
func TestManifestMatchesTheAdapter(t *testing.T) {
	m := readManifest(t)
	needs := map[string]string{ // event → the scope Slack requires for it
		"app_mention":              "app_mentions:read",
		"assistant_thread_started": "assistant:write",
		"message.channels":         "channels:history",
		"message.groups":           "groups:history",
		"message.im":               "im:history",
	}
	for event, scope := range needs {
		if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, event) {
			t.Errorf("bot_events lacks %s", event)
		}
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
			t.Errorf("scopes lack %s, which %s needs", scope, event)
		}
	}
	for _, scope := range []string{"chat:write", "commands"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
			t.Errorf("scopes lack %s", scope)
		}
	}
	if len(m.Features.SlashCommands) == 0 || m.Features.SlashCommands[0].Command != DefaultCommand {
		t.Errorf("slash command: got %+v, want %s", m.Features.SlashCommands, DefaultCommand)
	}
	if i := m.Settings.Interactivity; i == nil || i.IsEnabled == nil || !*i.IsEnabled {
		t.Error("interactivity is off; the feedback buttons need it")
	}
}
