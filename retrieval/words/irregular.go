package words

import "strings"

// irregular maps the past forms of English irregular verbs to their base
// form, which the Porter stemmer cannot do: "wrote" and "written" to
// "write", "met" to "meet". Questions and texts often use different forms
// of one verb ("Who wrote …?" against "… was written by …").
var irregular = func() map[string]string {
	m := map[string]string{}
	// base past participle…
	for _, line := range strings.Split(`arise arose arisen
awake awoke awoken
be was were been
bear bore borne born
beat beat beaten
become became become
begin began begun
bend bent
bet bet
bind bound
bite bit bitten
bleed bled
blow blew blown
break broke broken
breed bred
bring brought
broadcast broadcast
build built
burn burnt
buy bought
catch caught
choose chose chosen
cling clung
come came come
cost cost
creep crept
cut cut
deal dealt
dig dug
do did done
draw drew drawn
dream dreamt
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feed fed
feel felt
fight fought
find found
flee fled
fly flew flown
forbid forbade forbidden
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grind ground
grow grew grown
hang hung
have had
hear heard
hide hid hidden
hit hit
hold held
hurt hurt
keep kept
kneel knelt
know knew known
lay laid
lead led
lean leant
leap leapt
learn learnt
leave left
lend lent
let let
lie lay lain
light lit
lose lost
make made
mean meant
meet met
pay paid
prove proven
put put
quit quit
read read
ride rode ridden
ring rang rung
rise rose risen
run ran run
say said
see saw seen
seek sought
sell sold
send sent
set set
sew sewn
shake shook shaken
shed shed
shine shone
shoot shot
show shown
shrink shrank shrunk
shut shut
sing sang sung
sink sank sunk
sit sat
sleep slept
slide slid
speak spoke spoken
speed sped
spend spent
spin spun
split split
spread spread
spring sprang sprung
stand stood
steal stole stolen
stick stuck
sting stung
stink stank stunk
strike struck stricken
strive strove striven
swear swore sworn
sweep swept
swim swam swum
swing swung
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
tread trod trodden
understand understood
undertake undertook undertaken
wake woke woken
wear wore worn
weave wove woven
weep wept
win won
wind wound
withdraw withdrew withdrawn
write wrote written
overcome overcame overcome
overtake overtook overtaken
undergo underwent undergone
uphold upheld
withhold withheld
foresee foresaw foreseen
mislead misled
rebuild rebuilt
retell retold
rewrite rewrote rewritten
outgrow outgrew outgrown`, "\n") {
		f := strings.Fields(line)
		for _, form := range f[1:] {
			// Forms that are also common words of their own keep
			// their meaning: "left", "found", "lay", "saw", "ground",
			// "wound", "lit" are nouns or other verbs as often.
			switch form {
			case "left", "found", "lay", "saw", "ground", "wound", "lit", "bound", "felt", "fell",
				"rose", "bit", "born", "read", "let", "set", "put", "cut", "hit", "cost", "shed",
				"run", "come", "become", "was", "were", "been", "had", "did", "done", "spread", "split",
				"quit", "hurt", "bet", "broadcast", "lead":
				continue
			}
			if form != f[0] {
				m[form] = f[0]
			}
		}
	}
	return m
}()

// PastTense reports a folded word that reads as a verb in the past tense:
// a regular "-ed" form or an irregular one ("wrote", "won"). In "Which
// countries ratified …" it ends the noun phrase the question asks about.
func PastTense(norm string) bool {
	if len(norm) > 4 && norm[len(norm)-2:] == "ed" {
		return true
	}
	_, ok := irregular[norm]
	return ok
}

// ieVerbs maps the inflections of the verbs that end in "-ie" to their
// base form, which the Porter stemmer leaves apart: it stems "died" and
// "dies" to "di" and "dying" to "dy", but "die" to "die", so "When did
// he die?" could not meet "he died". The Snowball (Porter2) stemmer
// makes the same exceptions. They are kept out of irregular, which
// PastTense also reads: "dies" and "dying" are not past forms.
var ieVerbs = map[string]string{
	"died": "die", "dies": "die", "dying": "die",
	"lied": "lie", "lies": "lie", "lying": "lie",
	"tied": "tie", "ties": "tie", "tying": "tie",
	"vied": "vie", "vies": "vie", "vying": "vie",
}
