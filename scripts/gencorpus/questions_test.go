package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/citebot/citebot/retrieval"
)

func TestSentences(t *testing.T) {
	text := "# The Title\n\nOn 3 May 1990, the council approved 87.1 percent of the plan. Why did it\nwait? Anna Tamm signed it.\n\n## A Heading\n\n- Riga built a bridge.\n- The road closed.\n\nLast one"
	want := []string{
		"On 3 May 1990, the council approved 87.1 percent of the plan",
		"Why did it wait",
		"Anna Tamm signed it",
		"Riga built a bridge",
		"The road closed",
		"Last one",
	}
	if got := sentences(text); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q,\nwant %q", got, want)
	}
}

func TestClauseQuestions(t *testing.T) {
	tests := []struct {
		sentence string
		want     []Question // by form
	}{
		{"On 8 August 1959, Lukas Balodis moved the totoric besubu recently", []Question{
			{Question: "Who moved the totoric besubu recently on 8 August 1959?", Answers: []string{"Lukas Balodis"}},
			{Question: "What did Lukas Balodis move on 8 August 1959?", Answers: []string{"the totoric besubu recently"}},
			{Question: "When did Lukas Balodis move the totoric besubu recently?", Answers: []string{"8 August 1959"}},
		}},
		{"The busy patorso closed this nemapla, and Graz published the besubu later", []Question{
			{Question: "What closed this nemapla?", Answers: []string{"the busy patorso"}},
			{Question: "What did the busy patorso close?", Answers: []string{"this nemapla"}},
		}},
		{"According to Priya Park, Riga won 2,300 tickets in 1990", []Question{
			{Question: "What won 2,300 tickets in 1990?", Answers: []string{"Riga"}},
			{Question: "What did Riga win?", Answers: []string{"2,300 tickets in 1990"}},
		}},
		{"In 2020, 31.8 percent of the petrevu found Elena Petraitis because the road lost", []Question{
			{Question: "What found Elena Petraitis in 2020?", Answers: []string{"31.8 percent of the petrevu"}},
			{Question: "What did 31.8 percent of the petrevu find in 2020?", Answers: []string{"Elena Petraitis"}},
			{Question: "When did 31.8 percent of the petrevu find Elena Petraitis?", Answers: []string{"2020"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			c, ok := parse(tt.sentence)
			if !ok {
				t.Fatal("parse: got false, want a clause")
			}
			if c.forms() != len(tt.want) {
				t.Fatalf("forms: got %d, want %d", c.forms(), len(tt.want))
			}
			for form, want := range tt.want {
				got := c.question(form)
				if got.Question != want.Question || !reflect.DeepEqual(got.Answers, want.Answers) {
					t.Errorf("form %d: got %q %q, want %q %q", form, got.Question, got.Answers, want.Question, want.Answers)
				}
			}
		})
	}
	for _, s := range []string{"Last one", "Why did it wait", "The road closed"} {
		if _, ok := parse(s); ok {
			t.Errorf("parse(%q): got a clause, want none (no verb with words both sides)", s)
		}
	}
}

func TestEveryVerbHasABaseForm(t *testing.T) {
	for _, v := range commonVerbs {
		if baseForm[v] == "" {
			t.Errorf("baseForm[%q] is missing", v)
		}
	}
}

// sample writes a corpus with questions and returns the questions and
// the corpus's files by path.
func sample(t *testing.T, mb float64, n int, seed uint64) ([]Question, map[string]string) {
	t.Helper()
	s := newQuestionSampler(n, seed)
	files := map[string]string{}
	err := Generate(Config{MB: mb, Seed: seed}, func(f File) error {
		files[f.Path] = f.Text
		s.add(f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.questions(), files
}

// TestQuestionsAreDistinctAndAnswerable checks what the benchmarks rely
// on: as many questions as asked for, none twice, each in the shared
// eval-set format with its answer in its source file, drawn from across
// the corpus, and the same for the same seed.
func TestQuestionsAreDistinctAndAnswerable(t *testing.T) {
	const n = 500
	qs, files := sample(t, 1, n, 3)
	if len(qs) != n {
		t.Fatalf("got %d questions, want %d", len(qs), n)
	}
	seen := map[string]bool{}
	sources := map[string]bool{}
	kinds := map[string]int{}
	for _, q := range qs {
		key := strings.ToLower(q.Question)
		if seen[key] {
			t.Errorf("question asked twice: %q", q.Question)
		}
		seen[key] = true
		if !strings.HasSuffix(q.Question, "?") || len(q.Sources) != 1 || len(q.Answers) != 1 {
			t.Fatalf("malformed: %+v", q)
		}
		text, ok := files[q.Sources[0]]
		if !ok {
			t.Fatalf("%q: source %q is not a file of the corpus", q.Question, q.Sources[0])
		}
		flat := strings.ToLower(strings.Join(strings.Fields(text), " "))
		if !strings.Contains(flat, strings.ToLower(q.Answers[0])) {
			t.Errorf("%q: answer %q is not in %s", q.Question, q.Answers[0], q.Sources[0])
		}
		sources[q.Sources[0]] = true
		kinds[strings.Fields(q.Question)[0]]++
	}
	// A 1 MiB corpus has about 150 files; uniform draws of 500 questions
	// miss few of them.
	if len(sources) < len(files)*3/4 {
		t.Errorf("questions come from %d of %d files; want them spread over the corpus", len(sources), len(files))
	}
	for _, k := range []string{"What", "Who", "When"} {
		if kinds[k] == 0 {
			t.Errorf("no %q questions among %v", k, kinds)
		}
	}
	again, _ := sample(t, 1, n, 3)
	if !reflect.DeepEqual(qs, again) {
		t.Error("the same seed gave other questions")
	}
	other, _ := sample(t, 1, n, 4)
	if reflect.DeepEqual(qs, other) {
		t.Error("another seed gave the same questions")
	}
}

// TestQuestionsFewerThanAsked checks that a small corpus gives what it
// has, all distinct, rather than repeating questions.
func TestQuestionsFewerThanAsked(t *testing.T) {
	qs, _ := sample(t, 0.02, 100000, 1)
	if len(qs) == 0 || len(qs) >= 100000 {
		t.Fatalf("got %d questions from a 20 KB corpus; want some, fewer than asked", len(qs))
	}
	seen := map[string]bool{}
	for _, q := range qs {
		if seen[strings.ToLower(q.Question)] {
			t.Fatalf("question asked twice: %q", q.Question)
		}
		seen[strings.ToLower(q.Question)] = true
	}
}

// TestWriteQuestionsReadsAsAnEvalSet checks the file is what
// retrieval.ReadEvalSet (and so scripts/loadtest and the benchmarks)
// reads, and that it lands beside the corpus folder.
func TestWriteQuestionsReadsAsAnEvalSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	s := newQuestionSampler(50, 1)
	if _, _, err := WriteDir(Config{MB: 0.2, Seed: 1}, dir, s.add); err != nil {
		t.Fatal(err)
	}
	path := QuestionsPath(dir + string(filepath.Separator))
	if want := dir + ".questions.jsonl"; path != want {
		t.Errorf("QuestionsPath: got %s, want %s", path, want)
	}
	qs := s.questions()
	if err := writeQuestions(path, qs); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := retrieval.ReadEvalSet(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(qs) || got[0].Question != qs[0].Question || got[0].ID != "gen-000001" || got[0].Sources[0] != qs[0].Sources[0] {
		t.Errorf("read back %d questions, first %+v; want %d, first %+v", len(got), got[0], len(qs), qs[0])
	}
	if err := writeQuestions(filepath.Join(dir, "missing", "q.jsonl"), qs); err == nil {
		t.Error("writeQuestions into a missing folder: got nil error, want one")
	}
}
