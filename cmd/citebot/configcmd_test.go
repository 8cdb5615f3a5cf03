package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
)

// TestConfigInEffect runs citebot config as a user would and checks that
// it prints the values in effect, not the zero that means "default".
func TestConfigInEffect(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"defaults", nil, []string{
			fmt.Sprintf("chunk_size: %d # CITEBOT_CHUNK_SIZE, default\n", corpus.DefaultChunkSize),
			fmt.Sprintf("chunk_overlap: %d # CITEBOT_CHUNK_OVERLAP, default\n", corpus.DefaultChunkOverlap),
		}},
		{"zero flags mean the defaults", []string{"--chunk-size", "0", "--chunk-overlap", "0"}, []string{
			fmt.Sprintf("chunk_size: %d # CITEBOT_CHUNK_SIZE, set by flag --chunk-size\n", corpus.DefaultChunkSize),
			fmt.Sprintf("chunk_overlap: %d # CITEBOT_CHUNK_OVERLAP, set by flag --chunk-overlap\n", corpus.DefaultChunkOverlap),
		}},
		{"no overlap", []string{"--chunk-size", "400", "--chunk-overlap", "-1"}, []string{
			"chunk_size: 400 # CITEBOT_CHUNK_SIZE, set by flag --chunk-size\n",
			"chunk_overlap: -1 # CITEBOT_CHUNK_OVERLAP, set by flag --chunk-overlap\n",
		}},
		{"log settings left to the command", nil, []string{
			"level: " + config.LogAuto + " # CITEBOT_LOG_LEVEL, default\n",
			"format: " + config.LogAuto + " # CITEBOT_LOG_FORMAT, default\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// runCmd sets the log settings; config should show them unset.
			t.Setenv("CITEBOT_LOG_LEVEL", "")
			t.Setenv("CITEBOT_LOG_FORMAT", "")
			t.Setenv("CITEBOT_DATA_DIR", t.TempDir())
			var out, errb strings.Builder
			if code := run(t.Context(), append([]string{"config"}, tt.args...), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
