# Writes the supplementary training set for list binding: short articles
# whose sentences pair names with values in parallel lists, and questions
# whose answer is the value paired with one name. Run from this folder:
#   python3 gen.py
# It writes corpus/*.txt and train.jsonl (answer offsets in code points).
import json

docs = {
"rail_network.txt": ("Regional rail in the north", [
 "The northern rail network grew slowly over three decades.",
 "The line to Harwick opened in 1961, the branch to Oldmere in 1964 and the coastal extension to Saltby in 1972.",
 "Passenger numbers rose in every decade after the first line opened.",
 "Harwick station handles 12,000 passengers a day, Oldmere 4,500 and Saltby 2,100.",
 "The depot at Fenwick was built by Carr & Sons, the signal boxes by Whitlow Engineering and the bridges by the Dunmore Iron Company.",
 "Electrification of the network was completed in 1989.",
]),
"orchestra.txt": ("The Valden Symphony Orchestra", [
 "The Valden Symphony Orchestra was founded in 1951 by a group of teachers.",
 "Its first conductor was Ilse Marten, its second Pavel Rusk and its third Amira Okafor.",
 "The orchestra has 84 players: 52 in the strings, 18 in the winds, 10 in the brass and 4 in the percussion.",
 "It toured Japan in 1978, Brazil in 1983 and Canada in 1991.",
 "The concert hall was designed by Lena Vogt.",
 "Recordings of the orchestra have won four national awards.",
]),
"islands.txt": ("Islands of the Merrow archipelago", [
 "The Merrow archipelago has three inhabited islands.",
 "Tarn has a population of 3,400, Ebb 1,250 and Skerra only 190.",
 "The islands were settled at different times: Tarn in the 9th century, Ebb in the 12th century and Skerra in the 15th century.",
 "The main harbour is on Tarn, the airstrip on Ebb and the lighthouse on Skerra.",
 "Ferries run daily between the islands in summer.",
]),
"football_league.txt": ("The Ardent football league", [
 "The Ardent league was formed in 1908 with eight clubs.",
 "Castlebrook won the title in 2015, Marlow Athletic in 2016 and Redfern City in 2017.",
 "The top scorers that season were Joel Ansah with 21 goals, Teo Varga with 17 and Luca Brenner with 14.",
 "Castlebrook play at Mill Lane, Marlow Athletic at the Riverside Ground and Redfern City at Kingsway Park.",
 "Attendance has grown every year since the league was televised.",
]),
"company.txt": ("Holloway Instruments", [
 "Holloway Instruments makes measuring equipment for laboratories.",
 "The company has its headquarters in Leeds, its research centre in Cambridge and its main factory in Swindon.",
 "It was founded by Margaret Holloway in 1932, and her son Arthur took over in 1965.",
 "Sales reached 40 million pounds in 2019, 46 million in 2020 and 55 million in 2021.",
 "Its chief executive is Priya Nair, its chief engineer Owen Clarke and its finance director Helen Moss.",
 "The firm employs about 900 people.",
]),
"treaty.txt": ("The Baltic fisheries accord", [
 "The fisheries accord limits catches of cod and herring in the Baltic Sea.",
 "Denmark signed the accord in 1998, Sweden in 1999, Finland in 2001 and Germany in 2003.",
 "Denmark ratified it within a year; Germany took four years.",
 "The accord sets quotas of 40,000 tonnes for Denmark, 35,000 tonnes for Sweden and 22,000 tonnes for Finland.",
 "Russia has not signed the accord.",
]),
"mountains.txt": ("Peaks of the Corran range", [
 "The Corran range runs for 140 kilometres along the border.",
 "Its highest peaks are Mount Aster at 3,120 metres, Grey Tor at 2,980 metres and Ben Lorn at 2,870 metres.",
 "Mount Aster was first climbed in 1887, Grey Tor in 1894 and Ben Lorn in 1902.",
 "The first ascent of Mount Aster was made by Clara Hewitt, that of Grey Tor by Samuel Pike and that of Ben Lorn by Ruth and Daniel Ames.",
 "The range is a national park.",
]),
"university.txt": ("Wexford Technical University", [
 "Wexford Technical University has four faculties.",
 "The faculty of engineering has 3,900 students, the faculty of science 2,700, the faculty of business 2,200 and the faculty of law 900.",
 "The engineering building opened in 1968, the library in 1974 and the sports centre in 1999.",
 "The university is led by rector Tomas Hale, with Inga Solberg as vice-rector for research and Marcus Reid as vice-rector for teaching.",
 "Tuition is free for students from the region.",
]),
"elections.txt": ("Municipal elections in Corvale", [
 "Corvale held municipal elections in May.",
 "The Green List won 14 seats, the Civic Union 11, the Labour Alliance 9 and independents 3.",
 "The mayor is Rosa Delgado of the Green List, and her deputy is Omar Haddad of the Civic Union.",
 "Turnout was 61 percent in the centre, 48 percent in the suburbs and 39 percent in the outer villages.",
 "The council meets on the first Monday of each month.",
]),
"museum.txt": ("The Harbour Museum", [
 "The Harbour Museum opened in 1983 in a former customs house.",
 "The ground floor holds ship models, the first floor maps and charts, and the top floor a collection of paintings.",
 "The museum had 120,000 visitors in 2018, 95,000 in 2019 and 41,000 in 2020, when it closed for four months.",
 "Its founding director was Edith Crane, who was followed by Jonas Weller in 1997 and by Farah Siddiqui in 2012.",
 "Entry is free on Sundays.",
]),
"bridges.txt": ("Bridges over the river Lune", [
 "Five bridges cross the river Lune within the city.",
 "The Old Bridge dates from 1410, the Kings Bridge from 1788 and the Millennium Footbridge from 2000.",
 "The Kings Bridge is 160 metres long, the Old Bridge 95 metres and the footbridge 210 metres.",
 "The footbridge was designed by the studio of Nils Arendt, and the rail bridge by the engineer Ada Corbin.",
 "Only the Old Bridge is closed to cars.",
]),
"festival.txt": ("The Brannock summer festival", [
 "The Brannock festival has run every summer since 1970.",
 "The opening night belongs to jazz, the second night to folk and the closing night to classical music.",
 "Tickets cost 25 euros for one night, 60 euros for three nights and 90 euros for the whole week.",
 "Last year the jazz stage drew 8,000 people, the folk stage 5,500 and the classical stage 3,000.",
 "The festival is organised by volunteers.",
]),
"canals.txt": ("Canals of the Fen district", [
 "The Fen district has five canals, all dug for drainage and trade.",
 "Kings Lode and Reach Lode opened in 1791, Brandon Cut in 1802, and Burwell Lode and Soham Lode in 1815.",
 "Barges carried grain on Kings Lode, timber on Brandon Cut and peat on Soham Lode.",
 "Most of the canals are now used by pleasure boats.",
]),
"prize.txt": ("The Merit Prize for translation", [
 "The Merit Prize is awarded each year for a translation into English.",
 "It went to Ana Ruiz and Tom Price in 2019, to Lea Moser in 2020, and to Ivo Stanek and Mia Holm in 2021.",
 "The prize money is shared when the prize goes to two translators.",
]),
"pact.txt": ("The Pacific fisheries pact", [
 "The pact protects tuna stocks in the eastern Pacific.",
 "Norway and Iceland joined the pact in 2004, Chile in 2006, and Peru and Ecuador in 2009.",
 "Japan has observer status.",
]),
}

# (file, question, answer, context): the answer is the occurrence inside
# the first occurrence of context.
qs = [
("rail_network.txt", "When did the branch to Oldmere open?", "1964", "Oldmere in 1964"),
("rail_network.txt", "In what year did the coastal extension to Saltby open?", "1972", "Saltby in 1972"),
("rail_network.txt", "When was the line to Harwick opened?", "1961", "Harwick opened in 1961"),
("rail_network.txt", "How many passengers does Oldmere station handle a day?", "4,500", "Oldmere 4,500"),
("rail_network.txt", "How many passengers a day use Saltby station?", "2,100", "Saltby 2,100"),
("rail_network.txt", "Who built the signal boxes?", "Whitlow Engineering", "boxes by Whitlow Engineering"),
("rail_network.txt", "Which company built the bridges of the network?", "the Dunmore Iron Company", "the Dunmore Iron Company"),
("rail_network.txt", "Who built the depot at Fenwick?", "Carr & Sons", "Carr & Sons"),
("orchestra.txt", "Who was the orchestra's second conductor?", "Pavel Rusk", "second Pavel Rusk"),
("orchestra.txt", "Who was the third conductor of the Valden Symphony Orchestra?", "Amira Okafor", "third Amira Okafor"),
("orchestra.txt", "How many players are in the brass section?", "10", "10 in the brass"),
("orchestra.txt", "How many of the orchestra's players are in the winds?", "18", "18 in the winds"),
("orchestra.txt", "When did the orchestra tour Brazil?", "1983", "Brazil in 1983"),
("orchestra.txt", "In what year did the orchestra tour Canada?", "1991", "Canada in 1991"),
("orchestra.txt", "Which country did the orchestra tour in 1978?", "Japan", "Japan in 1978"),
("islands.txt", "What is the population of Ebb?", "1,250", "Ebb 1,250"),
("islands.txt", "How many people live on Skerra?", "190", "only 190"),
("islands.txt", "When was Skerra settled?", "15th century", "Skerra in the 15th century"),
("islands.txt", "In which century was Ebb settled?", "12th century", "Ebb in the 12th century"),
("islands.txt", "Which island has the airstrip?", "Ebb", "airstrip on Ebb"),
("islands.txt", "On which island is the lighthouse?", "Skerra", "lighthouse on Skerra"),
("football_league.txt", "Who won the title in 2016?", "Marlow Athletic", "Marlow Athletic in 2016"),
("football_league.txt", "When did Redfern City win the title?", "2017", "Redfern City in 2017"),
("football_league.txt", "Which club won the league in 2015?", "Castlebrook", "Castlebrook won the title in 2015"),
("football_league.txt", "How many goals did Teo Varga score?", "17", "Teo Varga with 17"),
("football_league.txt", "How many goals did Luca Brenner score that season?", "14", "Luca Brenner with 14"),
("football_league.txt", "Where do Marlow Athletic play?", "the Riverside Ground", "the Riverside Ground"),
("football_league.txt", "What is the home ground of Redfern City?", "Kingsway Park", "Kingsway Park"),
("company.txt", "Where is Holloway Instruments' research centre?", "Cambridge", "research centre in Cambridge"),
("company.txt", "In which town is the company's main factory?", "Swindon", "factory in Swindon"),
("company.txt", "Where does Holloway Instruments have its headquarters?", "Leeds", "headquarters in Leeds"),
("company.txt", "How much were sales in 2020?", "46 million", "46 million in 2020"),
("company.txt", "What were the company's sales in 2021?", "55 million", "55 million in 2021"),
("company.txt", "Who is the chief engineer of Holloway Instruments?", "Owen Clarke", "chief engineer Owen Clarke"),
("company.txt", "Who is the company's finance director?", "Helen Moss", "finance director Helen Moss"),
("company.txt", "When did Arthur take over the company?", "1965", "took over in 1965"),
("treaty.txt", "When did Sweden sign the fisheries accord?", "1999", "Sweden in 1999"),
("treaty.txt", "In what year did Finland sign the accord?", "2001", "Finland in 2001"),
("treaty.txt", "When did Germany sign the accord?", "2003", "Germany in 2003"),
("treaty.txt", "What is Sweden's quota under the accord?", "35,000 tonnes", "35,000 tonnes for Sweden"),
("treaty.txt", "How large is the quota for Finland?", "22,000 tonnes", "22,000 tonnes for Finland"),
("treaty.txt", "How long did Germany take to ratify the accord?", "four years", "four years"),
("mountains.txt", "How high is Grey Tor?", "2,980 metres", "Grey Tor at 2,980 metres"),
("mountains.txt", "What is the height of Ben Lorn?", "2,870 metres", "Ben Lorn at 2,870 metres"),
("mountains.txt", "When was Grey Tor first climbed?", "1894", "Grey Tor in 1894"),
("mountains.txt", "In which year was Ben Lorn first climbed?", "1902", "Ben Lorn in 1902"),
("mountains.txt", "Who made the first ascent of Grey Tor?", "Samuel Pike", "Grey Tor by Samuel Pike"),
("mountains.txt", "Who first climbed Mount Aster?", "Clara Hewitt", "Clara Hewitt"),
("mountains.txt", "Who made the first ascent of Ben Lorn?", "Ruth and Daniel Ames", "Ruth and Daniel Ames"),
("university.txt", "How many students does the faculty of science have?", "2,700", "science 2,700"),
("university.txt", "How many students are in the faculty of law?", "900", "law 900"),
("university.txt", "How many students study business?", "2,200", "business 2,200"),
("university.txt", "When did the university library open?", "1974", "library in 1974"),
("university.txt", "In what year did the sports centre open?", "1999", "sports centre in 1999"),
("university.txt", "Who is the vice-rector for teaching?", "Marcus Reid", "Marcus Reid"),
("university.txt", "Who is vice-rector for research at Wexford?", "Inga Solberg", "Inga Solberg"),
("elections.txt", "How many seats did the Civic Union win?", "11", "Civic Union 11"),
("elections.txt", "How many seats did the Labour Alliance win?", "9", "Labour Alliance 9"),
("elections.txt", "How many seats did independents win?", "3", "independents 3"),
("elections.txt", "What was the turnout in the suburbs?", "48 percent", "48 percent in the suburbs"),
("elections.txt", "What was turnout in the outer villages?", "39 percent", "39 percent in the outer villages"),
("elections.txt", "Who is the deputy mayor of Corvale?", "Omar Haddad", "Omar Haddad"),
("museum.txt", "What is on the first floor of the Harbour Museum?", "maps and charts", "maps and charts"),
("museum.txt", "What does the top floor of the museum hold?", "a collection of paintings", "a collection of paintings"),
("museum.txt", "How many visitors did the museum have in 2019?", "95,000", "95,000 in 2019"),
("museum.txt", "How many people visited the Harbour Museum in 2020?", "41,000", "41,000 in 2020"),
("museum.txt", "When did Farah Siddiqui become director?", "2012", "Farah Siddiqui in 2012"),
("museum.txt", "Who followed Edith Crane as director in 1997?", "Jonas Weller", "Jonas Weller"),
("bridges.txt", "When was the Kings Bridge built?", "1788", "Kings Bridge from 1788"),
("bridges.txt", "How old is the Millennium Footbridge? When does it date from?", "2000", "Footbridge from 2000"),
("bridges.txt", "How long is the Old Bridge?", "95 metres", "Old Bridge 95 metres"),
("bridges.txt", "What is the length of the footbridge?", "210 metres", "footbridge 210 metres"),
("bridges.txt", "Who designed the rail bridge?", "Ada Corbin", "Ada Corbin"),
("festival.txt", "Which music has the second night of the festival?", "folk", "second night to folk"),
("festival.txt", "What kind of music closes the festival?", "classical music", "closing night to classical music"),
("festival.txt", "How much is a ticket for three nights?", "60 euros", "60 euros for three nights"),
("festival.txt", "How much does a ticket for the whole week cost?", "90 euros", "90 euros for the whole week"),
("festival.txt", "How many people did the folk stage draw last year?", "5,500", "folk stage 5,500"),
("festival.txt", "How many people came to the classical stage?", "3,000", "classical stage 3,000"),
# Coordinated names share their value, and a plural question wants the
# pair only when the pair is what the value binds to.
("canals.txt", "Which canals opened in 1791?", "Kings Lode and Reach Lode", "Kings Lode and Reach Lode"),
("canals.txt", "Which canals opened in 1815?", "Burwell Lode and Soham Lode", "Burwell Lode and Soham Lode"),
("canals.txt", "Which canals opened in 1802?", "Brandon Cut", "Brandon Cut in 1802"),
("canals.txt", "When did Reach Lode open?", "1791", "Reach Lode opened in 1791"),
("canals.txt", "When did Burwell Lode open?", "1815", "Soham Lode in 1815"),
("prize.txt", "Who won the Merit Prize in 2021?", "Ivo Stanek and Mia Holm", "Ivo Stanek and Mia Holm"),
("prize.txt", "Which translators won the prize in 2020?", "Lea Moser", "Lea Moser in 2020"),
("prize.txt", "When did Tom Price win the Merit Prize?", "2019", "Tom Price in 2019"),
("prize.txt", "When did Mia Holm win the prize?", "2021", "Mia Holm in 2021"),
("pact.txt", "Which countries joined the pact in 2006?", "Chile", "Chile in 2006"),
("pact.txt", "Which countries joined the pact in 2009?", "Peru and Ecuador", "Peru and Ecuador"),
("pact.txt", "When did Iceland join the pact?", "2004", "Iceland joined the pact in 2004"),
("pact.txt", "When did Ecuador join the pact?", "2009", "Ecuador in 2009"),
]

texts = {}
for name, (title, sents) in docs.items():
    text = title + "\n\n" + " ".join(sents) + "\n"
    texts[name] = text
    with open("corpus/" + name, "w") as f:
        f.write(text)

with open("train.jsonl", "w") as out:
    for i, (src, q, a, ctx) in enumerate(qs):
        t = texts[src]
        c = t.find(ctx)
        assert c >= 0, (src, ctx)
        k = t.find(a, c)
        assert 0 <= k < c + len(ctx), (src, a, ctx)
        out.write(json.dumps({"id": "list%03d" % i, "kind": "written-lists", "question": q, "answers": [a],
                              "answer_offsets": [len(t[:k])], "sources": [src], "answerable": True}) + "\n")
print(len(qs), "questions")
