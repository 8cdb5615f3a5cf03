package retrieval

import "strings"

// commonWords are everyday English content words. A question's common
// words are often paraphrased in the text ("leave" for "withdraw", "take
// effect"), so missing them is weaker evidence against a passage than
// missing a name or a rare term. They still count, at lightWeight.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
	take took taken takes taking make made makes making get got gets getting give gave given gives go goes
	went gone going come came comes coming want wants wanted need needs needed leave leaves left leaving
	put puts keep keeps kept let lets begin began begun begins seem seems seemed help helps helped show
	shows showed shown hear heard play plays played run runs ran move moves moved live lives lived
	believe believes believed bring brings brought happen happens happened write writes wrote written
	provide provides provided sit stand stood lose lost pay paid meet met include includes included
	continue continues continued set change changes changed lead leads led understand understood watch
	follow follows followed stop stops stopped create created speak spoke read allow allows allowed add
	added spend spent grow grew open opened walk win won offer offered remember consider considered
	appear appeared buy bought wait serve die died send sent expect expected build built stay stayed
	fall fell cut reach reached kill killed remain remained suggest suggested raise raised pass passed
	sell sold require required report reported decide decided pull pulled say says said tell told ask
	asked work works worked call called try tried use used find found think thought look looked feel
	felt become became mean means meant turn turned start started hold held bring carry talk talked
	effect effects thing things way ways time times year years day days people person man men woman women
	child children world life hand part place case week weeks company system program question fact
	point government number night area money story month months lot right study book eye job word
	business issue side kind head house service friend father mother power hour game line end member
	members law car city community name team minute idea kid body information back parent face others
	level office door health art war history party result morning reason research girl guy moment air
	teacher force education currently current now today recently recent actually really still already
	also even just very much many more most some other new old good great high small large big long
	little important different public bad able early late young sure real best better whole certain
	clear full free major main possible special hard available likely past final several
	`) {
		m[w] = true
	}
	return m
}()

// lightWeight scales the idf of a common word in a question.
const lightWeight = 0.4
