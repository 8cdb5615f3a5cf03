package reader

import (
	"reflect"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval/words"
)

func TestTokenArenaSplitsAsStatsDoes(t *testing.T) {
	st, _ := corpusOf(t, treaty)
	texts := []string{
		"Norway joined the accord in 1994, Sweden and Iceland in 1996.",
		"",
		"Ingrid Solheim leads the secretariat in Bergen.",
		strings.Repeat("cod ", tokenBlock/4+1), // too long for a block
		strings.Repeat("Baltic ", tokenBlock/5),
	}
	var a tokenArena
	var got [][]words.Token
	for _, text := range texts {
		toks := a.split(st, text)
		if len(toks) <= tokenBlock/4 && len(toks) != cap(toks) {
			t.Errorf("split(%.20q) has cap %d beyond its %d tokens: an append would write over the next sentence's", text, cap(toks), len(toks))
		}
		if want := st.split(text); !reflect.DeepEqual(toks, want) && len(want) > 0 {
			t.Errorf("split(%.20q) = %d tokens, want %d as Stats.split gives", text, len(toks), len(want))
		}
		got = append(got, toks)
	}
	// Every slice still holds its own text's tokens once the later ones
	// were carved out.
	for i, text := range texts {
		if want := st.split(text); len(want) > 0 && !reflect.DeepEqual(got[i], want) {
			t.Errorf("tokens of text %d changed after later splits", i)
		}
	}
}
