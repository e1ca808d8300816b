"""The words the documentation checker looks for, as data: per rulebook element, the cues that state it, the
labels a form or an AI scribe puts before it, and the look-alikes that are not it; and the phrasings that
say an element was not done. `models.documentation.checker` holds the logic that reads them.

Conventions (what a cue must show to count) follow kpis.md's rulebook:
- time: a session length or a start and a stop clock time; a lone clock time ("next session at 3 PM") or a
  length that is not the session's ("walks 20 minutes a day", "arrived 10 min late") is not it.
- risk: suicidal or homicidal ideation (or self-harm, a C-SSRS screen, a risk assessment) with an answer;
  "denies SI/HI" and "no SI/HI" are answers, "SI/HI not assessed" is not.
- mental_status: an observation of the client (MSE items, presentation); a mood the client reports is not one.
- intervention: what the clinician did this session; a modality named only in the plan or the history is not.
- response: the client's reaction to it, good or bad ("not receptive" is a response).
- plan: next session, follow-up, homework, goals progress; a safety plan and "no plan or intent" are not.
- necessity: impairment, severity (a rating-scale score at or above its clinical cutoff), medical necessity.
- participants: who attended, when the note names someone besides the client or says the client came alone.

Speed matters (a practice has some 130k notes), so the patterns come in three kinds:
- WORD_CUES: lowercase regexes matched on the lowercased note, each alternative starting at a word
  boundary (the checker compiles them as one `\\b(?:...)` per element, which lets the regex engine skip
  most positions);
- OTHER_CUES: lowercase regexes that may start anywhere (line starts, after a colon);
- CASED_CUES: abbreviations that are only cues in capitals (MI, ACT, BA, SI, HI), matched on the note as
  written.
Write lowercase regexes with care: `\\W`, `\\S`, `\\D`, `\\B` are not `\\w`, `\\s`, `\\d`, `\\b`.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------------

_HALF = r"(?:[ap]\.?\s?m\.?(?![a-z])|[ap](?![a-z]))"
_CLOCK1 = r"(?<![\d.:/])(?P<h1>[01]?\d|2[0-3])(?::(?P<m1>[0-5]\d))?\s*(?P<a1>" + _HALF + r")?"
_CLOCK2 = r"(?P<h2>[01]?\d|2[0-3])(?::(?P<m2>[0-5]\d))?(?!\d)\s*(?P<a2>" + _HALF + r")?"
_SINGLE_CLOCK = r"(?:[01]?\d|2[0-3])(?::[0-5]\d|\s*" + _HALF + r")(?:\s*" + _HALF + r")?"
_MILITARY = (r"(?<![\d.:/-])(?P<mh1>[01]\d|2[0-3])(?P<mm1>[0-5]\d)\s*(?:-|–|—|to)\s*(?P<mh2>[01]\d|2[0-3])"
             r"(?P<mm2>[0-5]\d)(?!\d)")

# Someone other than the client, and anyone.
OTHER_PERSON = (
    r"(?:mother|mom|father|dad|parents?|guardians?|grandmother|grandfather|grandma|grandpa|grandparents?|aunt|"
    r"uncle|caregivers?|spouse|partners?|husband|wife|girlfriend|boyfriend|fianc[eé]e?|siblings?|brothers?|sisters?|"
    r"step-?(?:mother|father|mom|dad|parent)|foster (?:mother|father|parents?)|son|daughter|friend|roommate|"
    r"teacher|case ?manager|caseworker|interpreter|family(?: members)?|both parents|both partners|the couple|couple)"
)
PERSON = r"(?:" + OTHER_PERSON[3:-1] + r"|client|clt|cl|pt|patient|youth|child|teen|adolescent|member|identified patient)"
_AND = r"\s*(?:and|&|\+|,)\s*(?:his |her |their |the )?"
# A bare "present", "attended", "joined" ... cue names who attended when a person comes shortly before it in the
# clause ("mother and client present", "client attended in person", "cl present") ...
PARTICIPANTS_VERB = r"(?:was |were )?(?:also )?(?:present|attended|joined|came in|participated from)"
PARTICIPANTS_BEFORE_VERB = r"\b" + PERSON + r"(?:'s)?\b[^.;\n]{0,60}$"
# ... or when it reads "were present for the session".
PARTICIPANTS_AFTER_VERB = r"\s*(?:for|in|during|at|throughout)\b"

# Words that describe how the client looks or behaves in the room (mental status observations).
MSE_ADJECTIVES = (
    r"(?:anxious|anx|tearful|teary|crying|irritable|sullen|flat|bright|brighter|tired|fatigued|exhausted|slowed|"
    r"restless|fidgety|calm|guarded|cooperative|pleasant|agitated|withdrawn|quiet|talkative|hyperverbal|pressured|"
    r"tangential|disorganized|dishevel+ed|unkempt|well[- ]groomed|groomed|euthymic|dysphoric|depressed|labile|"
    r"constricted|blunted|animated|hypervigilant|trembling|tremulous|shaky|hyperventilating|diaphoretic|sad|somber|"
    r"angry|defensive|distracted|distractible|drowsy|sedated|lethargic|smiling|shy|soft-spoken|nervous|tense|"
    r"upbeat|relaxed|subdued|expansive|euphoric|elevated|grandiose|paranoid|cheerful|apathetic|listless|"
    r"pale|thin|unshaven|malodorous|fearful|dejected|rested|well|unwell|sick|ill|stressed|happy|content|"
    r"comfortable|uncomfortable|bored|sleepy|"
    r"oriented|alert|a&o|a&ox\d|aox\d)"
)

# Section labels per element (lowercase): `Label:` (where a clause starts) or a heading alone on its line.
# risk_s / risk_h are the two halves of the risk element: suicidal and homicidal ideation.
LABELS: dict[str, str] = {
    "time": r"(?:session |total )?(?:time|duration|length)(?:\s*\((?:min|mins|minutes)\))?(?: of session| in session)?|"
            r"session length|"
            r"total minutes|(?:session )?minutes|time in|time out|(?:session )?(?:start|end|stop)(?: time)?",
    "risk_s": r"si/hi|si and hi|si & hi|suicidal ideation|suicidality|suicidal thoughts|si",
    "risk_h": r"homicidal ideation|homicidal thoughts|hi",
    "mental_status": r"mental status(?: exam(?:ination)?)?|mse|presentation|appearance|mood|affect|"
                     r"mood/affect|behavior/presentation|observations?|obs",
    "intervention": r"interventions?(?: used| utilized| provided| delivered| applied)?|intervention\(s\)(?: used)?|"
                    r"int|therapeutic (?:interventions?|approach(?:es)?|modalit(?:y|ies)|techniques?)|"
                    r"techniques?(?: used)?|treatment provided|tx provided|skills? (?:taught|practiced|reviewed)",
    "response": r"(?:client|patient|pt|member|family|parent|caregiver|participant)(?:'s)? response(?: to "
                r"(?:the )?(?:interventions?|treatment|tx|therapy|session))?|response(?: to (?:the )?"
                r"(?:interventions?|treatment|tx|therapy|session))?|client participation|participation|engagement",
    "plan": r"(?:treatment |tx )?plan|next steps?|follow[- ]?up(?: plan)?|recommendations?(?:/plan)?|"
            r"plan/recommendations|homework|hw|next (?:appointment|appt|session|visit)|"
            r"goal progress|progress toward(?:s)? (?:treatment )?goals?",
    "necessity": r"(?:medical )?necessity|med\.? nec(?:essity)?|(?:clinical )?justification(?: for "
                 r"(?:continued )?(?:care|services|treatment|therapy))?|level of care|functional impairment|"
                 r"impairment",
    "participants": r"participants?|present|in attendance|attendees?|attending|attendance|those present|"
                    r"individuals present|in session|people present|who attended|family present|"
                    r"informants?(?:/participants?)?",
}

# ---------------------------------------------------------------------------------------------------
# Cues
# ---------------------------------------------------------------------------------------------------

# Cues that start with a digit, tried only where a run of digits starts (lowercase; named groups: clock ranges
# h1.. / mh1.., lengths n and u, which the checker validates).
DIGIT_CUES: dict[str, tuple[str, ...]] = {
    "time": (
        _CLOCK1 + r"\s*(?:-+|–|—|to|until|till|through|→)\s*" + _CLOCK2,
        _MILITARY,
        r"(?<![\d.:/])(?P<n>\d{1,3}(?:\.\d+)?)\s*-?\s*(?P<u>min(?:ute)?s?\b\.?|mins?\b|m(?=\.?(?:\s|$))|hours?\b|"
        r"hrs?\b|h\b(?![.\w]))",
    ),
}

_MILITARY_CLOCK = r"(?:[01]\d|2[0-3])[0-5]\d"

WORD_CUES: dict[str, tuple[str, ...]] = {
    "time": (
        r"(?:start(?:ed|s)?(?:\s*time)?|began|begin(?:ning)?|time\s*in|arrived|walked in|checked in|logged (?:in|on))"
        r"\b[^a-z0-9]{0,3}(?:at\s*)?(?:" + _SINGLE_CLOCK + "|" + _MILITARY_CLOCK + r")"
        r"[^.\n]{0,60}?\b(?:end(?:ed|s)?(?:\s*time)?|stop(?:ped|s)?(?:\s*time)?|finish(?:ed)?|time\s*out|"
        r"concluded|left|logged off)\b[^a-z0-9]{0,3}(?:at\s*)?(?:" + _SINGLE_CLOCK + "|" + _MILITARY_CLOCK + r")",
        r"total\s+(?:session\s+|face[- ]to[- ]face\s+)?(?:minutes|mins|time)\s*[:=]?\s*\d{1,3}\b",
        r"in\s*:\s*(?:" + _SINGLE_CLOCK + "|" + _MILITARY_CLOCK + r")[\s,;/|]*out\s*:\s*(?:" + _SINGLE_CLOCK + "|"
        + _MILITARY_CLOCK + r")",
        r"(?:one|an|a half)[- ]hour(?:[- ]long)?\s+(?:session|psychotherapy|therapy|visit|appointment)",
        r"from (?P<fh1>1[0-2]|[1-9]) to (?P<fh2>1[0-2]|[1-9])\b(?!\s*(?:%|/|out of|points?))",
    ),
    "risk_s": (
        r"suicid\w*|self[- ]?harm\w*|self[- ]?injur\w*|self[- ]?mutilat\w*|cutting\b|"
        r"(?:harm|hurt|kill)(?:ing)? (?:to )?(?:self|oneself|himself|herself|themselves|themself|myself)"
        r"(?:,? (?:or|and|/) (?:to )?(?:others|anyone|someone|other people))?|"
        r"(?:danger|risk) to (?:self|oneself)(?:,? (?:or|and|/) (?:to )?others)?|"
        r"thoughts? of (?:death|dying|killing (?:himself|herself|themselves|myself)|ending (?:his|her|their|my) life)|"
        r"(?:wish(?:es|ed)?|want(?:s|ed)?) to (?:be )?dead|death wish\w*|passive death|"
        r"passive (?:thoughts|ideation|wish(?:es)?)\b|(?:easier|better)(?: off)? (?:if (?:i|she|he|they) (?:didn't|did not|"
        r"don't|do not) wake up|not to (?:wake up|be here|exist))|"
        r"c-?ssrs|columbia|asq\b|si/hi\b|si and hi\b|si & hi\b|hi/si\b|"
        r"(?:denies|denied|no|neg|negative for|endorses|endorsed|reports|passive|active)[ -]?si\b|"
        r"si\b(?=\s*(?:/|or|and|,|&|\+)\s*hi\b)",
    ),
    "risk_h": (
        r"homicid\w*|"
        r"(?:harm|hurt|kill)(?:ing)? (?:to )?(?:(?:self|oneself|himself|herself|themselves|themself|myself),? "
        r"(?:or|and|/) (?:to )?)?(?:others|anyone|someone|other people)|"
        r"(?:danger|risk) to (?:self,? (?:or|and|/) (?:to )?)?others|violent (?:thoughts|ideation|urges)|"
        r"thoughts? of (?:harming|hurting|killing) (?:his |her |their )?(?:[\w-]+ )?(?:or )?(?:others|anyone|"
        r"someone|baby|child|children|kids|partner|wife|husband|family|people|coworkers?|boss)\b|"
        r"(?:harm|hurt|kill)(?:ing)? (?:[\w'-]+ ){0,3}?(?:or|and|/) (?:to )?(?:others|anyone|someone|other people)|"
        r"si/hi\b|si and hi\b|si & hi\b|hi/si\b|"
        r"(?:denies|denied|no|neg|negative for|endorses|endorsed|reports)[ -]?hi\b|"
        r"(?:si|suicidal ideation)\s*(?:/|or|and|,|&|\+)\s*hi\b",
    ),
    "mental_status": (
        r"mse\b|a\s*&\s*o\s*x?\s*\d|a\s*&\s*o\b|a?aox?\s*\d|aao\b|mental[- ]status|"
        r"oriented\b|"
        r"alert\b(?!\s+(?:the|staff|you|him|her|them|me|us|clinician|therapist|writer|parents?))|"
        r"affect\b(?!\s+(?:her|his|their|my|the|your|how|work|sleep|school|daily|functioning|others|him|them|"
        r"me|us|relationships?))|aff\b|mood\b(?!\s+(?:disorder|stabiliz\w*|swings?|tracking|log|chart))|"
        r"euthymic|dysthymic|dysphoric|"
        r"(?:well|neatly|casually|appropriately|adequately|poorly)[- ]?(?:groomed|dressed)|groomed|grooming|"
        r"dishevel+ed|unkempt|(?:good|fair|poor|adequate) hygiene|dressed\b|appearance|"
        r"appear(?:ed|s|ing)?\b|looked (?:\w+ )?" + MSE_ADJECTIVES + r"\b|present(?:ed|s)? (?:as|with)\b|"
        r"present(?:ed|s|ing) (?:as )?(?:very |quite |mildly |somewhat |more |less |slightly )?" + MSE_ADJECTIVES
        + r"\b|eye contact|voice (?:was |is )?(?:bright|soft|quiet|loud|flat|monotone|tremulous|shaky|clear|low)|"
        r"spoke (?:at|with|in|softly|quietly|rapidly|slowly|clearly|loudly|little)|laughed appropriately|"
        r"smiled (?:often|appropriately|frequently|several|at times)|"
        r"speech\b(?!\s*(?:therapy|therapist|class|delay|patholog\w*|impediment))|thought (?:process|content)|"
        r"tp\b|(?:good|fair|poor|limited|intact|impaired|adequate|partial|no) insight|insight (?:and judg|is\b|was\b|"
        r"fair|good|poor|limited|intact|impaired|adequate|partial|:)|(?:good|fair|poor|limited|intact|impaired|"
        r"adequate) judg(?:e)?ment|judg(?:e)?ment (?:is\b|was\b|fair|good|poor|limited|intact|impaired|adequate|:)|"
        r"psychomotor|psychosis|psychotic|hallucinat\w*|delusion\w*|paranoi\w*|cooperative\b|uncooperative\b|tearful|"
        r"cried (?:during|in|throughout)|calm\b(?!\s+(?:down|herself|himself|themselves|myself|yourself))|"
        r"fidget\w*|guarded|(?:observed|noted) (?:to be|as)\b|(?:bright|flat|blunted|constricted|restricted|labile|"
        r"congruent|incongruent|expansive|reactive|full[- ]range) affect|"
        r"(?:client|clt|cl|pt|patient|she|he|they|child|teen|youth)(?: (?:was|is|were|are|appeared|appears|looked|"
        r"looks|seemed|seems|presented|presents|remained|remains|became|initially|very|quite|visibly|mildly|somewhat|"
        r"slightly|noticeably|markedly|more|less|a bit|a little))* (?:" + MSE_ADJECTIVES + r",?\s+(?:and\s+)?)*"
        + MSE_ADJECTIVES + r"\b",
    ),
    "intervention": (
        r"cbt[\w-]*|tf-cbt\b|dbt\b|emdr\b|erp\b|pcit\b|sfbt\b|mbct\b|mbsr\b|pmr\b|ipsrt\b|dear man\b|tipp\b|"
        r"gottman|imago\b|[\w]+-informed (?:intervention|approach|therapy|techniques?|work|care)|"
        r"cog\.? (?:restructuring|reframing|distortions?|techniques?)|"
        r"cognitive[- ]behavio(?:u)?ral|cognitive (?:restructuring|reframing|processing|therapy|techniques?|"
        r"challenging|defusion|distortions?)|restructur(?:e|ed|ing)|refram(?:e|ed|es|ing)|"
        r"motivational (?:interviewing|enhancement)|decisional balance|change talk|exposure(?! to\b)|interoceptive|"
        r"in[- ]vivo|imaginal|fear hierarchy|behavio(?:u)?ral (?:activation|experiments?)|activity scheduling|"
        r"acceptance and commitment|defusion|values (?:clarification|work|exploration|exercise)|psycho-?educat\w*|"
        r"psychoed\b|educat(?:ed|ion) (?:the |client |pt |patient |parents? |family |caregivers? )?"
        r"(?:on|about|regarding)\b|"
        r"mindful\w*|distress tolerance|emotion(?:al)? regulation|interpersonal effectiveness|chain analysis|"
        r"opposite action|wise mind|radical acceptance|grounding|relaxation|(?:diaphragmatic|paced|box|deep|belly|"
        r"square|4-7-8|straw) breathing|breath(?:ing)? (?:awareness|exercises?|techniques?|skills?|retraining|"
        r"practice)|progressive muscle|body scan|guided imagery|visualization|thought (?:records?|logs?|"
        r"challenging|stopping)|role[- ]?pla\w*|problem[- ]solving|solution[- ]focused|miracle question|"
        r"scaling questions?|socratic|validat(?:ion|ed|ing)\b|reflective listening|active listening|"
        r"supportive (?:counseling|therapy|psychotherapy|listening|techniques?|interventions?|tx)|person[- ]centered|"
        r"empath(?:ic|etic) (?:listening|reflections?|support|attunement)|"
        r"client[- ]centered|empty chair|gestalt|narrative therap\w*|structural family|family (?:systems|therapy)|"
        r"fam tx\b|enactment|parent(?:ing)? (?:management |behavior )?training|parenting skills|labeled praise|"
        r"planned ignoring|active ignoring|communication skills|[\"“]?i[\"”]?[- ]statements|safety planning|"
        r"safety plan (?:was )?(?:completed|developed|created|constructed|established)|"
        r"coping (?:skills|strategies|card)|"
        r"skills? (?:training|practice|group|grp|building)|sleep hygiene|stimulus control|worry (?:postponement|"
        r"time|exposure)|(?:response|ritual) prevention|bilateral stimulation|resource (?:development|"
        r"installation)|desensitization|reprocessing|trauma narrative|prolonged exposure|relapse[- ]prevention|"
        r"harm reduction|interpersonal (?:process|therapy)|psychodynamic|insight[- ]oriented|emotionally[- ]focused|"
        r"(?:grief|trauma|emotion|compassion)[- ]focused|(?:grief|trauma|memory) processing|life review|"
        r"schema (?:therapy|tx|work|modes?)|imagery rescripting|rescripting|social rhythm|"
        r"play therapy|art therapy|sand ?tray|5-4-3-2-1|container exercise|peaceful place|safe place exercise|"
        r"card sort|(?:completed|developed|created|constructed|wrote|drafted) (?:a |the |her |his |their )?"
        r"(?:[\w-]+ )?safety plan|"
        r"planner training|organizational skills|behavior(?:al)? (?:chart|contract|modification)|"
        r"token economy|contingency management|coach(?:ed|ing)\b|model(?:ed|ing)\b|"
        r"(?:therapist|clinician|counselor|counsellor|writer|provider|facilitators?|clinicians|we)\s+(?:\w+\s+)?"
        r"(?:used|utilized|employed|applied|provided|facilitated|introduced|taught|guided|led|coached|modeled|"
        r"explored|challenged|reframed|validated|implemented|delivered|practiced|reviewed|processed|normalized|"
        r"encouraged|assisted|helped|demonstrated|role[- ]played|revisited|worked on)\b|"
        r"(?:session|treatment|tx)\s+(?:utilized|used|employed|focused on (?:skills|practicing|teaching))|"
        r"(?:was|were) (?:used|utilized|introduced|taught|practiced|applied|implemented|employed)\b",
    ),
    "response": (
        r"suds?\b|respon(?:ded|ds|se|sive)\b|receptive|engag(?:e|ed|ing|ement|es)\b|participat(?:ed|es|ing|ion)\b|"
        r"tolerat(?:ed|ing)\b|verbaliz\w*|demonstrat(?:ed|es|ing)\b|demo(?:'d|ed)?\b|"
        r"(?:able|unable) to (?:identify|id|reorient|re-orient|use|apply|practice|demonstrate|verbalize|name|describe|generate|list|notice|"
        r"recall|reframe|challenge|tolerate|engage|articulate|state|explain|recognize|label|process|discuss|reflect|"
        r"paraphrase|express|agree|commit|utilize|implement|develop|create|rate|distinguish|catch|slow|calm|ground|"
        r"reduce|lower|remain|follow|learn|connect|grasp|understand|demo|problem-solve|solve|validate|brainstorm|"
        r"role-play|self-soothe|de-escalate|regulate|communicate|set|accept|share|open up|"
        r"do (?:\d+|all|both|the (?:exercise|skill|role|steps?|scenarios?)|\w+ of)|complete (?:the |a |an |"
        r"\d+ |two |three )?(?:exercise|exposure|trials?|worksheet|role|script|practice|steps?|imaginal|task))\b|"
        r"could (?:describe|identify|name|state|explain|list|articulate|recall|generate|verbalize|demonstrate|"
        r"apply|use|not (?:identify|name|describe|apply|use))\b|helpful|unhelpful|beneficial|made sense|makes sense|"
        r"doable|(?:it|this|that|which|breathing|grounding|the (?:[\w-]+ )?(?:skill|exercise|technique|tool|strategy|"
        r"grounding|breathing|plan)) ['\"“]?(?:really |kind of |sort of |somewhat |a little |did not |didn't |"
        r"does not |doesn't )?help(?:s|ed)?\b|"
        r"(?:said|says|stated|states|reported|reports|felt|feels|noted|notes|found|finds)(?: that)? "
        r"(?:the |this |that |it )?(?:[\w-]+ ){0,3}?(?:helped|helps|was helpful|is helpful|worked|works|"
        r"didn't help|did not help|made (?:a )?difference)|"
        r"(?:was|seemed|appeared) (?:\w+ )?(?:enthusiastic|eager|excited) (?:about|to) (?:try|trying|the\b|this\b|"
        r"practic|using|calling|start)|(?:feels?|felt|is|was|seemed) ready to (?:try|practice|start|use|begin|change)|"
        r"struggl(?:ed|es|ing) (?:to|with) (?:the\b|this\b|that\b|it\b|identify|name|engage|connect|apply|use|"
        r"practice|focus|understand|grasp|complete|stay|tolerate)|hesitant|hesitan(?:cy|ce)|reluctant|resistant|"
        r"resistance|skeptical|open to (?:the|trying|feedback|exploring|it)|willing(?:ness)? to (?:try|practice|use|"
        r"engage|continue|complete)|agree(?:d|s|able)\b|"
        r"buy[- ]in|motivated to (?:try|practice|use|change)|(?:anxiety|anx|distress|fear|urges?|anger|tension|worry|"
        r"worries|panic|craving|cravings|suds|sadness|mood)\b"
        r"[^.;\n]{0,20}?(?:decreas|reduc|dropp|lower|fell|went down|→|->|from \d+(?:/10)? to \d|\d+\s*(?:->|→)\s*\d)|"
        r"(?:decreas|reduc|lower|dropp)\w* (?:in |their |his |her )?(?:anxiety|distress|fear|urges?|tension)|"
        r"breathing (?:slowed|normalized|regulated|settled)|calmer\b|more (?:relaxed|settled|hopeful|at ease)|"
        r"brainstormed|\d+ ?% (?:likely|chance|belief|believable|confident|sure|true)|acknowledged|admitted|realized|"
        r"(?:named|listed|gave|stated|offered) (?:\w+ ){0,2}?(?:reasons|examples|ways|strengths|triggers|options|"
        r"alternatives)|(?:said|stated|reported|noted)(?: that)? (?:it|this|that|the [\w-]+) felt (?:\w+ )?(?:good|"
        r"helpful|better|useful|relieving|hard|uncomfortable|silly|awkward|freeing)|"
        r"(?:said|says|stated|states|agreed|committed|decided)(?: that)? (?:she|he|they|client|pt|cl)?\s*(?:will|would|"
        r"'ll|is going to|wants? to) (?:try|practice|use|start|begin|keep|continue|call|talk|do|apply|work)\b|"
        r"expressed (?:relief|understanding|interest|frustration|hope|commitment|willingness|doubt|skepticism|"
        r"appreciation|confidence|readiness)|(?:felt|feels|feeling|seemed|appeared) (?:more |less )?(?:confident|"
        r"hopeful|relieved|calmer|validated|heard|understood|empowered|skeptical)|confident (?:using|in using|with|"
        r"about using)|asked (?:good |thoughtful |relevant |several |many |appropriate |clarifying )questions|"
        r"(?:client|clt|cl|pt|patient|he|she|they|parents?|mother|father|mom|dad|family|members?) asked "
        r"(?:\w+ )?(?:questions|about|how|whether|if|for)|gain(?:ed|ing)? insight|reflected on|nodded|"
        r"completed (?:\d+|one|two|three|several|all|both|the) (?:trials?|exposures?|exercises?|reps?|repetitions|"
        r"rounds?|steps)|practiced\b|role[- ]played|re-?rated|"
        r"identified (?:\w+ ){0,3}?(?:triggers?|thoughts?|alternatives?|coping|warning signs|vulnerability|"
        r"emotions?|feelings?|values|barriers|strengths|distortions?|reasons)|"
        r"(?:good|fair|poor|limited|minimal|partial|positive|negative|mixed) (?:effort|understanding|progress in "
        r"session)|by (?:the )?end of (?:the )?session|rated (?:her |his |their |the )?(?:willingness|readiness|"
        r"confidence|motivation|belief|importance)|"
        r"(?:became|got|grew|went) (?:\w+ )?(?:quiet|silent|tearful|defensive|animated|angry|irritated|reflective|"
        r"thoughtful|emotional|teary) (?:when|as|after) (?:i|we|writer|therapist|clinician|the therapist|this writer)\b|"
        r"(?:client|clt|cl|pt|patient|she|he|they) (?:was |is |seemed |appeared )?(?:very |highly |more |less |"
        r"quite )?(?:motivated|unmotivated|ambivalent|open|guarded about (?:the|it|this))\b(?! to (?:the )?idea of)|"
        r"set (?:a |her |his |their )?(?:goal|target)\b|"
        r"(?:said|says|stated|states|reported|reports)(?: that)? (?:she|he|they|client|pt|cl) (?:felt|feels|was|is) "
        r"['\"“]?(?:less|more|a (?:bit|little) (?:less|more)|much (?:less|more))\b|"
        r"(?:client|clt|cl|pt|patient|he|she|they|parents?|mother|father|mom|dad|family|members?|caregivers?|child)\s+"
        r"(?:was able to |then |also |successfully |quickly |readily |independently |initially )?(?:identified|"
        r"generated|wrote|named|listed|recognized|practiced|challenged|reframed|applied|increased|decreased|"
        r"completed|tried|voiced|brainstormed|came up with|picked|chose|selected|offered|read|rehearsed)\b",
    ),
    "plan": (
        r"rtc\b|f/u\b(?!\s+(?:for|of)\b)|hw\b|plan\s*:|plan(?:s|ned)? (?:is |was )?to (?:continue|meet|see|return|"
        r"revisit|review|follow|practice|work|address|focus|try|start|begin|add|increase|decrease|reduce|taper|resume|"
        r"schedule|complete|discuss|explore|assess|reassess|monitor|refer)|next (?:[\w-]+ ){0,2}?(?:session|sess|"
        r"appointment|appt|visit|meeting|group|grp|call)\b|(?:will|wil)\s+(?:\w+ )?(?:meet|see (?:you|client|pt|her|"
        r"him|them|the)|follow[- ]up|return|revisit|continue|practice|review|work on|keep|track|reassess|monitor|"
        r"explore|address|process|complete (?:the|a|homework|hw|worksheet|\w+ log)|schedule|focus on|try (?:a|the|"
        r"another|more)|check in|attend (?:next|group|the next|session))\b|"
        r"(?:we|i|you|she|he|they)'ll (?:\w+ )?(?:meet|see|follow|continue|review|work|keep|revisit|check)\b|"
        r"follow[- ]?up (?:in|on|appointment|appt|scheduled|next|visit|call|session|contact|with (?:me|writer|"
        r"therapist|this writer)|\d|tomorrow|monday|tuesday|wednesday|thursday|friday)|"
        r"return (?:to clinic|in \d|in (?:one|two|three|a) |next)|"
        r"(?:see|meet|return|rtc|follow[- ]?up|f/u|resume|reconvene|check in|recheck|check back|call|phone|text)"
        r"(?: again| back)?(?: with)?(?: by phone| by video)?(?: her| him| "
        r"them| client| pt| the client| the family)?(?: again)? (?:in (?:\d|one|two|three|a |an )|next\b|tomorrow|"
        r"(?:on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|"
        r"thurs|fri)\b)|"
        r"(?:sched(?:uled)?|booked)\s+(?:[\w-]+\s+){0,3}?(?:session|sess|appt|appointment|visit|f/u|follow[- ]?up)|"
        r"(?:start|starting|begin|beginning|resume|resuming|scheduled|sched) (?:on )?\d{1,2}/\d{1,2}|"
        r"\d+(?:-\d+)? (?:more |additional |weekly |further )?sessions\b|"
        r"(?:weekly|wkly|biweekly|bi-weekly|monthly|\dx/(?:wk|week|mo)) x ?\d+\b|nxt (?:wk|week|sess|session|appt|visit|"
        r"time)\b|"
        r"(?:wkly|weekly|biweekly|bi-weekly|monthly) (?:individual |family |group )?(?:sessions?|tx|therapy|"
        r"psychotherapy)|continues? (?:in|with) (?:group|therapy|treatment|tx|individual|weekly|sessions)|"
        r"recommend(?:ed|s|ations?)?\b(?:\s*:)?\s*(?:continu|weekly|biweekly|ongoing|individual|family|group|"
        r"that|outpatient)|homework|assigned\b|before (?:the )?next (?:session|visit|appointment|appt|group|grp|"
        r"week|meeting)|(?:treatment|tx|care|service) plan\b|goals? (?:#?\d|progress|met|partially|"
        r"not (?:yet )?met|remain|revised|updated|reviewed|achieved|progressing|in progress)|"
        r"progress (?:toward|towards|on|in) (?:\w+ ){0,3}?goals?|progress noted|scheduled (?:for|next|on)\b|"
        r"(?:meet|see (?:you|client|pt|her|him|them)|session|sess|group|grp|return|practice|review (?:\w+ ){1,2}|"
        r"revisit|continue|cont|resume|follow up|f/u|reassess|again|appt|appointment|visit|call|start|starting|begin|"
        r"beginning)\b[^.;\n]{0,25}?\bnext (?:week|wk|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
        r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b|discharge plan|"
        r"(?:refer(?:ral)? (?:to|for)|referred to)\b|"
        r"(?P<cont>continue|cont|next (?:week|wk))\b|"
        r"(?:client|clt|cl|pt|patient|parents?|family|mother|father|mom|dad|caregivers?|both|group members?) "
        r"(?:will|to) (?!be\b|have\b|not\b)[a-z]+",
    ),
    "necessity": (
        # Concrete losses of function: missed or abandoned obligations, avoidance that costs something, lost housing,
        # child-welfare involvement, work errors.
        r"(?:skipped|missed|missing|left|leaving|leaves|walked out of|cancel(?:l)?ed|avoid(?:ed|s|ing)?) (?:\d+ |two |"
        r"three |several |multiple |many |all |most |required |(?:his|her|their) )*(?:\w+ )?(?:meetings|appointments|"
        r"events|classes|practices?|shifts|family (?:events|gatherings|dinners))\b|"
        r"(?:leav(?:e|es|ing)|left) (?:work|school|class|meetings?|events?|church|the office|shifts?) early|"
        r"(?:had|has|needed) to leave (?:(?:\w+'s|her|his|their|a|the) )?(?:\w+ )?(?:recital|game|party|event|class|"
        r"store|meeting|church|wedding|dinner|gathering)|"
        r"(?:declin(?:ed|es|ing)|turn(?:ed|s|ing) down|avoid(?:ed|s|ing)?) (?:\d+ |all |several |multiple |most )?"
        r"(?:social )?(?:invitations|invites|plans with|contact with (?:friends|family))|"
        r"(?:isolat(?:ing|es|ed)|withdrawn|withdrawing|withdrew) (?:from |herself |himself |themselves )"
        r"(?:from )?(?:friends|family|others|peers|activities|social)|social (?:isolation|withdrawal)|"
        r"avoid(?:s|ed|ing)? (?:driving|work|school|leaving|going (?:out|to)|public|crowds|stores|grocery|"
        r"the (?:bus|subway|highway|car)|highways?)|"
        r"(?:relying|relies|depend(?:s|ing)?) on (?:\w+ ){0,2}?for (?:rides|transportation|childcare|meals|"
        r"basic|daily)|"
        r"(?:refus(?:ed|es|ing)|unable|won't|will not) to (?:enter|go (?:in|into|to)|attend|get on|ride) (?:the )?"
        r"(?:classroom|class|school|bus|building|work)|"
        r"(?:has not|hasn't|have not|haven't|not|no longer) (?:\w+ )?(?:gone|been going|going) (?:to|into) "
        r"(?:work|school|class|the office)|"
        r"(?:has not|hasn't|not|no longer) (?:applied|looked) (?:to|for) (?:any )?(?:jobs|work)|"
        r"(?:stays|staying|stayed|remains|lies|lying) in bed (?:until|till|most|all|for)|"
        r"(?:lost|losing|loss of) (?:\w+ )?(?:housing|apartment|home|custody|license)|(?:staying|lives|living) "
        r"(?:in|at) (?:a |the )?(?:shelter|car)|homeless\w*|"
        r"cps (?:case|involvement|report|investigation|referral)|dcfs|supervised visit\w*|custody (?:at risk|"
        r"hearing|dispute|loss)|"
        r"(?:errors|mistakes) (?:at work |on the job )?(?:that|which)? ?(?:her|his|their|the) "
        r"(?:manager|boss|supervisor|employer)|(?:manager|boss|supervisor) (?:flagged|noticed|noted|warned|"
        r"complained)|"
        r"sh urges|urges to (?:sh|self-harm|cut)\b|"
        r"medically necessary|medical necessity|med\.? nec(?:essity)?\b|necessity\b|necessary\b|necessitat\w*|"
        r"warrant(?:ed|s)?\b|level of care|(?:iop|php|inpatient|residential|partial hospitali\w*)"
        r"(?:[- ](?:level|care|program|stay|admission))?\b|(?:higher|lower|crisis|outpatient|intensive)[- ]level "
        r"(?:care|of care)|"
        r"meets? (?:criteria|medical necessity)|justif(?:y|ies|ied|ication)|"
        r"impair(?:ed|s|ing|ment|ments)?\b|interfer(?:e|es|ed|ing|ence) (?:with|w/)|"
        r"(?:impact|affect)(?:s|ed|ing)? (?:his |her |their )?(?:family|work|school|social|daily|occupational|"
        r"academic|marital)? ?(?:functioning|performance|relationships?|life|attendance)|"
        r"(?:inability|unable) to (?:work|attend|leave|care|sleep|function|complete|perform|concentrate|maintain|"
        r"keep|go to|drive|get out|focus|return|hold|manage|parent|study|socialize|eat|shop|secure|pay|afford|live|"
        r"cook|clean|bathe|shower|bathe|ride|fly|travel|enter)|(?:can't|cannot|couldn't|could not) (?:work|go to "
        r"work|attend|leave|function)|decompensat\w*|"
        r"(?:prevent|avoid|risk of|at risk (?:of|for)) (?:further )?(?:hospitali[sz]\w*|relapse|decompensation|"
        r"higher level of care|deterioration|decline|job loss|losing (?:his|her|their) (?:job|housing|home|"
        r"apartment|voucher|\w+ voucher)|school failure|self-harm|harm|placement|eviction)|"
        r"(?:recent|psychiatric|inpatient) hospitali[sz]\w*|hospitali[sz]ation (?:may be|might be|is|was|could be) "
        r"(?:needed|required|recommended)|inpatient stay|discharged from (?:the )?(?:hospital|inpatient|php|iop|"
        r"residential)|step(?:ped|ping)?[- ]down from (?:inpatient|php|iop|residential|the hospital)|"
        r"(?:missed|missing) (?:\d+|one|two|three|four|five|six|several|multiple|many) (?:\w+ )?(?:days?|classes|"
        r"shifts|weeks?|deadlines)|missing deadlines|missed (?:work|school|classes|shifts)|"
        r"(?:called|calling|calls) (?:in sick|out(?: of work)?)|sick days?|late to (?:work|school|class)|"
        r"(?:not|hasn't|has not|haven't|have not) (?:yet )?(?:returned|gone back|been able to return|worked|been "
        r"working|been to) (?:to )?(?:work|school|class|her job|his job)|(?:on|taking|took|take) (?:medical |"
        r"disability |sick |fmla )?leave|on disability|(?:written|verbal|final) warning|performance improvement plan|"
        r"(?:reduced|cut|cutting) (?:back )?(?:his |her |their )?(?:work )?hours|(?:reduced|limited|cut|down|"
        r"switched|moved) (?:\w+ ){0,3}?(?:to )?part-time|"
        r"(?:lost|losing|cost (?:him|her|them)) (?:his |her |their )?(?:job|employment|position)|loss of employment|"
        r"(?:difficulty|trouble) (?:completing|performing|keeping up|concentrating) (?:\w+ )?(?:at |with |on )?"
        r"(?:work|job|tasks|school|assignments)|declined (?:a |the )?(?:[\w-]+ )?promotion|"
        r"(?:refus(?:ed|es|ing|al)|avoid(?:ed|s|ing)?) (?:to (?:go to|attend) )?school|school refusal|skip(?:ped|ping|s)? "
        r"(?:school|class(?:es)?|first period|\w+ period|meals)|truan\w*|failing (?:\d+ |\w+ )?(?:grades|classes|"
        r"class|courses|subjects|school)|academic (?:decline|failure)|falling grades|declining grades|grades "
        r"(?:dropped|declined|falling|slipping)|gpa (?:dropped|fell|declined)|suspen(?:ded|sion)|expell?ed|expulsion|"
        r"sent (?:him |her |them )?home|restrictive placement|dropped out|(?:miss(?:es|ed|ing)?) (?:school|work|"
        r"class(?:es)?)\b|\d+ absences|"
        r"(?:not|hasn't|has not|unable to|isn't|is not) (?:\w+ )?(?:leav(?:e|ing)|left) (?:the |her |his |their )?"
        r"(?:house|home|apartment|room|bed)|housebound|homebound|spending (?:days|most days|all day|most of the day) "
        r"in bed|(?:hard|difficult|unable) to get out of bed|stopped eating|not eating|lost \d+ ?(?:lbs?|pounds|kg)|"
        r"weight loss|% of (?:expected|target|ideal) (?:body )?weight|neglect(?:ing|ed)? (?:self-care|hygiene|"
        r"household|chores|children|kids)|(?:tension|conflict|strain) in (?:her|his|their) (?:marriage|"
        r"relationship|family)|marital (?:conflict|strain|discord)|(?:ed|er|emergency (?:room|department)|urgent "
        r"care) visits?|visited (?:the )?(?:ed|er|urgent care|emergency)|arrested|\bdui\b|probation|license "
        r"(?:suspended|revoked)|spent \$|evict\w*|(?:high|moderate|elevated|acute|imminent) (?:acute )?"
        r"(?:suicide |suicidal |safety )?risk\b|urges to self-harm|self-harm (?:urges|acts?|behaviors?|episodes?)|"
        r"\d+ relapses?|relapsed|relapses? in|(?:significant|severe|marked|moderate|moderately severe|clinically "
        r"significant) (?:symptoms|distress|depression|anxiety|impairment|dysfunction|decline|difficulties|sx|ocd|"
        r"ptsd|panic)|(?:symptom|sx) severity|sx (?:interfere|impair|persist)|limit(?:s|ing|ed)? "
        r"(?:his |her |their |the client's )?(?:job|work|school|social|daily|ability|functioning|options|"
        r"occupational)|disrupt(?:s|ing|ed)? (?:his |her |their )?(?:\w+ and )?(?:work|school|functioning|"
        r"relationships|daily)|ended (?:her|his|their) (?:\w+ )?(?:classes|job|studies)|"
        r"clinically significant|functional (?:decline|deficits?|limitations?)|"
        r"(?:fallen|falling|fell|falls) asleep (?:at|in) (?:work|school|class|the wheel)|"
        r"(?:hurting|damaging|straining|jeopardiz\w+|threaten\w*|costing|cost) (?:him |her |them )?(?:his |her |their )"
        r"(?:job|work|employment|housing|marriage|relationship|custody|grades|schooling|family|health|license)|"
        r"(?:d/t|due to|because of|secondary to) (?:his |her |their )?(?:anx\w*|depress\w*|panic|ptsd|sx|symptoms|"
        r"fear|shame|trauma|ocd|mania|drinking|substance use|poor sleep|agitation)|"
        r"need(?:s|ed)? (?:for )?(?:continued|ongoing|weekly|further|this level|outpatient|iop|php|higher|more "
        r"intensive)|(?:is|are|remains?) (?:still )?(?:needed|indicated|required)\b|supports? (?:continued |ongoing |"
        r"weekly |outpatient |further )?(?:tx|treatment|care|therapy|psychotherapy|services|sessions)|"
        r"indicates? (?:the )?need|requir(?:e|es|ed|ing) (?:an? )?(?:ed|er|hospital|higher|more|continued|weekly|"
        r"crisis)",
    ),
    "participants": (
        r"(?:attended|came|arrived) (?:\w+ )?(?:with|w/) (?:his |her |their |an? |the )?(?:adult |older |younger |"
        r"teenage |grown |two |\w+ )?" + OTHER_PERSON + r"\b|"
        r"(?:present|in attendance|attendees?|participants?|attending|attendance|those present|individuals present|"
        r"family present|who attended|people present)\s*:|in attendance\b|attended by\b|"
        r"accompanied by\b|brought (?:in )?by (?:(?:his|her|their|a) )?" + OTHER_PERSON + r"\b|"
        r"(?:attended|seen|came)(?: the session| session)? alone|"
        r"(?:was|were) (?:also )?(?:present|attended|joined)\b|also (?:present|attended|joined)\b|"
        r"joined (?:the )?session|joined by\b|(?:joined|participated|connected|logged (?:on|in)|attended|present|"
        r"called in) (?:from|by (?:video|phone|telehealth))\b|came in\b|present\b|attended\b(?! school| work| class| "
        r"church| meetings?| aa\b| na\b| the (?:party|funeral|wedding|game))|joined\b|"
        r"seen (?:with|alone|together|jointly|in person|in (?:the )?office|by (?:video|phone|telehealth|zoom)|via|"
        r"remotely|virtually|today (?:for|in|by|via|alone))\b|seen (?:for )?\d|"

        r"(?:seen|attended|met|session|visit)\w* (?:\w+ )?individually\b|"
        r"(?:met|meeting|session|seen|saw)(?: today| this week| \([^)]{0,40}\))? (?:with|w/)\s+(?:both |the |this |"
        r"client's |pt's |patient's |his |her |their |identified )*" + PERSON + r"\b|saw (?:the )?(?:client|pt|"
        r"patient|cl)\b|"
        r"with (?:both )?parents only|parents only|no (?:one|others?|other (?:people|persons|participants|family "
        r"members)) (?:else )?(?:was |were )?present|"
        r"(?:client|clt|cl|pt|patient)\b[^.;\n]{0,30}\balone\b|(?:client|clt|cl|pt|patient) only (?:on|in|present|"
        r"attended|session)|"
        r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:of (?:\d+|\w+) )?(?:group )?"
        r"(?:members|participants|attendees)\b|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) "
        r"(?:of (?:\d+|\w+) )?(?:pts|patients|clients|youth|adolescents|teens|adults|veterans|people|individuals|"
        r"women|men|girls|boys|kids|children)\b[^.;\n]{0,15}?(?:present|attended|in attendance|participated)|"
        r"members present|"
        r"(?:collateral|session|seen|met|meeting)(?: session| visit)? (?:with|w/)\s+(?:both |the |"
        r"client's |pt's |patient's |his |her |their )?" + OTHER_PERSON + r"\b",
    ),
}

# Cues matched on their own (lowercase): rating-scale scores (necessity when at or above the scale's cutoff).
OTHER_CUES: dict[str, tuple[str, ...]] = {
    "necessity": (
        r"(?P<scale>phq[- ]?9|phq|gad[- ]?7|gad|pcl[- ]?5|bdi(?:-?ii)?|bai|y-?bocs|epds|isi|audit(?:-c)?)\b"
        r"[^\d\n.;]{0,25}?(?:from\s+\d{1,2}\b[^\d\n.;]{0,25}?\bto\s+)?(?P<score>\d{1,2})(?:\s*/\s*\d{1,2})?\b(?P<band>\s*\(?\s*"
        r"(?:minimal|mild|none|subclinical|normal|low|within normal)?)",
    ),
}

# Cues tried only where a clause or a line starts (lowercase): a terse list of observations ("crying,
# hyperventilating", "O: bright").
CLAUSE_START_CUES: dict[str, tuple[str, ...]] = {
    "mental_status": (
        r"[ \t]*(?:(?:o|obs|objective)[ \t]*:[ \t]*" + MSE_ADJECTIVES + r"\b|" + MSE_ADJECTIVES
        + r"(?:,?[ \t]+(?:and[ \t]+)?" + MSE_ADJECTIVES + r")+\b)",
    ),
}

# Abbreviations that are cues only as written in capitals (whole words; "-SI/-HI" counts). Names after "met
# with" are capitalized too.
CASED_CUES: dict[str, tuple[str, ...]] = {
    "risk_s": (r"SI|S/I|SIB|NSSI",),
    "risk_h": (r"HI|H/I",),
    "intervention": (r"MI|ACT|BA|PST|SFT|PMT|IPT|CPT|EFT|FFT|IFS|CR|PE",),
    "participants": (r"(?:[Mm]et|[Ss]aw|[Ss]ession|[Ss]een)(?: today)? with [A-Z][a-z]+|(?:Saw|saw) [A-Z][a-z]+",),
}

# ---------------------------------------------------------------------------------------------------
# Look-alikes: a cue inside one of these spans is not the element (lowercase, matched on the lowered note).
# ---------------------------------------------------------------------------------------------------

VETOES: dict[str, tuple[str, ...]] = {
    "time": (
        r"\b9\d{4}\b[^.\n\d]{0,40}?\d{1,3}\s*(?:-|–|to)\s*\d{1,3}\s*(?:min(?:ute)?s?)?\b",  # the code's range
        r"\b(?:last|final|first|remaining|another|extra|additional|next) (?:\d+|few|couple)[ -]?(?:min(?:ute)?s?|hours?|"
        r"hrs?)\b|\b(?:over|after|within|in|about|~|approx\.?|up to|at least|than|every|each|for about) ~?\d+[ -]?"
        r"(?:min(?:ute)?s?|hours?|hrs?)\b",
    ),
    "mental_status": (
        r"\b(?:mse|mental status(?: exam(?:ination)?)?)\s*(?:was |is )?(?:limited|incomplete|partial)\b",
        r"\b(?:goal|task|detail|future|solution|family|results?|process|action|growth|recovery|person|client)"
        r"[- ]oriented",
        r"\b" + OTHER_PERSON + r"(?:'s)? (?:was |were |appeared |seemed |became )?(?:\w+ )?(?:tearful|calm|"
        r"guarded|cooperative|irritable|anxious|dishevel+ed|alert|oriented)",
        r"\bappear(?:ed|s)? (?:to (?:be )?)?(?:more |very |quite )?(?:receptive|engaged|interested|motivated|open|"
        r"willing|to (?:benefit|understand|enjoy|find|respond|grasp|apply|accept|take|use|have|be receptive|be "
        r"engaged))|\bit appears|\bappears that",
        r"\b(?:report(?:s|ed|ing)?|c/o|complain(?:s|ed|ing)? of|endors(?:es|ed|ing)|describ(?:es|ed|ing)|notes|"
        r"stat(?:es|ed)|says|said|experienc(?:es|ed|ing)|feel(?:s|ing)?|felt|improve(?:d|ment)? in|low|poor|improved|"
        r"improving|better|worse|worsening)\s+(?:\w+\s+){0,2}?mood\b",
        r"\bpresent(?:ed|s|ing)? with (?:concerns?|complaints?|questions?|worries|a\b|an\b|the\b|his\b|her\b|their\b|"
        r"symptoms|history|increased|ongoing)|\b(?:got|get|getting) dressed|\bpresentation (?:on|about|at|for)",
        r"\b(?:diagnosis|dx|impression|dx impression)\s*:[^\n]*|\b(?:disorder|d/o) with (?:\w+ )*?mood\b",
    ),
    "intervention": (
        r"\bcpt\s*(?:code)?\s*:?\s*\d|\bcpt code",
        r"\b(?:an|had an|history of|hx of|s/p|post|prior) mi\b|\bmi (?:in|last|at age)\b",
        r"\ba ba\b|\bba (?:degree|in)\b|\bba/bs|\bact (?:test|exam|score|prep)|\bpe (?:class|teacher|coach|period|uniform)",
        r"\bseek\w* validation|\bneed\w* validation|\bfelt validated|\bfeels validated|\bvalidation (?:from|of others)|"
        r"\bused to\b|\bexposure to\b|(?:trouble|difficulty|short(?:ness)? of|difficulties) breathing",
        r"\b(?:time|session|minutes?) (?:was |were )?used\b",
    ),
    "response": (
        r"\bin response to|\bresponse (?:rate|time|prevention)|\b(?:crisis|emergency|stress|fight[- ]or[- ]flight|"
        r"immune|physiological|startle|trauma|relaxation|emotional|body's|nervous system) response|"
        r"treatment[- ]resistant|\b(?:got|getting|recently|newly) engaged\b|\bengaged to|\bengagement (?:ring|party)|"
        r"\bengag\w* in (?:self|cutting|risky|substance|drinking|drug|unsafe|high-risk|sexual|illegal|fights?|nssi|"
        r"sib|si\b)|\bparticipat\w* in (?!(?:the |this |today's |each |all |both |a |an )?(?:session|group|"
        r"discussion|exercises?|role|activit|interventions?|skills?|treatment|therapy|it\b|this\b|that\b|practice|"
        r"conversation|process|mindfulness|breathing|exposure))|"
        r"\bparticipat\w* (?:from|via|by (?:video|phone)|remotely|virtually)|"
        r"\b(?:therapist|clinician|writer|facilitator) demonstrated|\bresistance training|"
        r"\b(?:we|therapist|writer|clinician|counselor|facilitator) (?:also )?practiced|"
        r"\b(?:appeared|appears|appearing|presented as|presents as|behavior\s*:|behaviour\s*:)\s*(?:\w+\s+)?engaged",
    ),
    "plan": (
        r"\b(?:safety|crisis|relapse[- ]prevention|coping|suicide|wedding|weekend|holiday|vacation|travel|birthday|"
        r"party|business|birth|escape|retirement|financial|budget|meal|diet|exercise|behavior(?:al)?|change) "
        r"plans?\b",
        r"\b(?:si|hi|suicid\w*|ideation|intent|urges?|overdos\w*)\b[^.;\n]{0,60}?\bplans?\b",
        r"\bplans?\b\s*(?:or|/|and|,|nor)\s*(?:intent|means)|\b(?:without|w/o|denies|denied) (?:a |any |specific |"
        r"concrete |active |current )?plans?\b",
        r"\bplans? (?:to (?:move|marry|retire|quit|travel|go|visit|leave|get|buy|have|take|come out)|for (?:the )?"
        r"(?:weekend|holidays?|summer|break|wedding))",
        r"\b(?:deferred|postponed|held) (?:to|until|till) (?:the )?next (?:session|visit|appointment|appt)",
        r"\b(?:a|the|his|her|their|this|regularly) scheduled\b|\bpresented for (?:a |the |her |his )?(?:\w+ )?"
        r"(?:session|visit|appointment)",
        r"\b(?:f/u|rtc|follow[- ]?up|return(?: to clinic)?|sessions?|see)\s*(?:prn|as needed)\b",
        r"\b(?:for|in|attended|presented for|seen for) (?:an? |the |her |his |their )?(?:\w+ )?follow[- ]?up (?:session|"
        r"visit|appointment|appt)\b",
    ),
    "necessity": (
        r"\b(?:hearing|visual(?:ly)?|vision|speech)[- ]impair\w*|\bsudden job loss|\bnot necessary to",
        r"\bmeets? (?:\w+ )?criteria for (?!continued|medical|this level|level|outpatient|iop|php|inpatient|"
        r"residential|ongoing)",
    ),
    "participants": (
        r"\b(?:client|pt|patient|child|youth) (?:was )?not present|\bpresent(?:ed|s|ing)\b|\bpresent (?:with|as|"
        r"illness|concerns?|problem|moment|focus|day)|\bpresent-(?:focused|moment)|\bbeing present|\bfelt (?:more )?"
        r"present|\b(?:lives?|living|left home|be|being|feels?|felt|time|spend\w*|sleeps?|walk\w*|drives?|stay\w*|"
        r"is|was|home|afraid of being|scared of being) alone\b|\b(?:during|after|before|in|throughout|end of|start "
        r"of) (?:the )?session (?:with|w/)",
    ),
}

# ---------------------------------------------------------------------------------------------------
# Negation, placeholders, checkboxes (matched on short windows of the note as written)
# ---------------------------------------------------------------------------------------------------

# Elements whose cue a plain "no"/"denies"/"without" right before it cancels ("denies functional impairment",
# "no homework assigned"). For risk and mental status that is an answer or a finding ("no SI/HI", "no
# psychosis"); for response a negative response is still one ("not receptive"); for participants it still says
# who came ("no others present").
CLINICAL_NEGATION_ELEMENTS = frozenset({"necessity", "plan", "intervention"})

# Wording that says an element was not done or not documented, before its cue ("did not assess SI") ...
DOC_NEGATION_BEFORE = (
    r"(?i:\b(?:did not|didn't|does not|doesn't|do not|don't|not|never|unable to|could not|couldn't|forgot to|"
    r"failed to|no time to|ran out of time (?:to|for|before)|neglected to|without)\s+(?:\w+\s+){0,2}?"
    r"(?:assess|ask|screen|evaluat|address|discuss|document|record|complete|perform|conduct|obtain|explore|"
    r"review|use|utiliz|implement|establish|schedul|gather|elicit|inquir|query|check|cover|examin|measur|"
    r"track|determin|get to)\w*\b|\b(?:no|not)\s+(?:formal\s+|specific\s+|structured\s+|documented\s+)?"
    r"(?:assessment|screening|documentation|mention|record|discussion|evaluation|inquiry|exam(?:ination)?|data)"
    r"\s+(?:of|for|regarding|about|on)\b|\b(?:to be determined|tbd|undecided)\b|\bno\s+(?:\w+\s+){0,2}?(?:was|were)\s+"
    r"(?:discussed|made|set|established|scheduled|documented|reviewed|completed|done|assessed|given|used|assigned)\b)"
)
# ... or after it ("SI/HI not assessed", "MSE deferred", "Plan: N/A", "Time: ____").
DOC_NEGATION_AFTER = (
    r"(?i:^[^.;\n]{0,40}?\b(?:(?:was|were|is|are|has been|have been|been|be)\s+)?(?:not|never)\s+(?:\w+\s+)?"
    r"(?:assessed|asked|screened|evaluated|addressed|discussed|documented|recorded|completed|done|performed|"
    r"conducted|obtained|explored|reviewed|used|utilized|implemented|established|scheduled|gathered|elicited|"
    r"inquired|queried|checked|covered|examined|measured|tracked|determined|specified|indicated|captured|charted|"
    r"applicable|available|noted|set|made|provided|given|formulated|developed|updated|attempted)\b|"
    r"^\s*(?:[:=\-–—]\s*)?\(?\s*(?:deferred|defer\b|omitted|skipped|n/?a\b|not applicable|tbd\b|to be determined|"
    r"unknown|pending|unable to (?:assess|determine|obtain|complete)|_{2,}|\?\?)|"
    r"^[^.;\n]{0,40}?\b(?:deferred|omitted|skipped|to be determined|tbd)\b)"
)
CLINICAL_NEGATION_BEFORE = r"(?i:\b(?:no|denies|denied|without|not|never|absence of|negative for)(?:[ \t]+[\w'-]+){0,2}?[ \t]+$)"

# A label's content that holds nothing: a dash, "N/A", "none", "see above", blanks.
PLACEHOLDER = (
    r"(?i:^\W*(?:n/?a|none(?: [\w-]+){0,3}|"
    r"not (?:applicable|assessed|done|documented|completed|performed|discussed|addressed|recorded|obtained)|"
    r"deferred|tbd|to be determined|unknown|pending|see above|as above|same|blank|nil|check[- ]in only|"
    r"no (?:\w+ )?interventions?(?: \w+)*|-+|—|–|_+|\.+)\W*$)"
)

# Checkbox glyphs: a ticked box, and an empty one.
BOX = r"\[\s*[xX✓✔*]?\s*\]|[☐☑☒✓✔■□]|\(\s*[xX]?\s*\)"
CHECKED_BOX = r"\[\s*[xX✓✔*]\s*\]|[☑☒✓✔■]|\(\s*[xX]\s*\)"

# Rating-scale cutoffs (lowest score counted as at least moderate symptoms), for necessity.
SCALE_CUTOFFS: dict[str, int] = {
    "PHQ9": 10, "PHQ": 10, "GAD7": 10, "GAD": 10, "PCL5": 31, "BDI": 20, "BDIII": 20, "BAI": 16, "YBOCS": 16,
    "EPDS": 13, "ISI": 15, "AUDIT": 8, "AUDITC": 4,
}

# Where a clause ends: sentence ends, semicolons, line breaks, and contrast words (which end a negation's reach).
CLAUSE_BREAK = r"[.!?](?=\s|$|[\"')\]])|[;\n]|\s(?:but|however|although|though|whereas)\b"

# Words near a length that make it the session's: before it ("Session 45 min", "met for 45 minutes") ...
TIME_CONTEXT_BEFORE = (
    r"(?i:(?:session|sess|psychotherapy|therapy|counseling|visit|appointment|appt|time|duration|length|total|"
    r"f2f|face[- ]to[- ]face|seen|met|spent|lasting|lasted|lasts|telehealth|video|phone|call|tx|group|grp|"
    r"family|intake|evaluation|eval|individual|indiv|in[- ]person)\b[\s,:(=~-]*(?:(?:of|for|was|is|were|approx\.?|"
    r"approximately|about|lasting|lasted|a total of|total)\s*)*$)"
)
# ... or after it ("45 minute individual psychotherapy session", "50 min of psychotherapy").
TIME_CONTEXT_AFTER = (
    r"(?i:^[\s-]*(?:long\s+|in length\s*|total\s+)?(?:(?:individual|indiv|family|group|telehealth|video|phone|"
    r"in[- ]person|face[- ]to[- ]face|f2f|psychotherapy|therapy|counseling|crisis|intake|follow[- ]up|f/u|"
    r"virtual|office|tx)\s+)*(?:session|sess|visit|appointment|appt|psychotherapy|therapy|counseling|call|tx)\b|"
    r"^\s*(?:of|spent)\s+(?:\w+\s+){0,2}?(?:psychotherapy|therapy|counseling|face|session|direct|individual|family|"
    r"group|time|treatment|tx)|^\s*(?:f2f|face[- ]to[- ]face)\b)"
)
# A clause that is just a length ("45 min.", "Duration 50 minutes (video)").
TIME_ALONE_AFTER = (
    r"(?i:^\s*(?:\([^)]*\)|,?\s*(?:telehealth|video|in[- ]person|phone|f2f|face[- ]to[- ]face|individual|total|"
    r"tx))?\W*$)"
)
# A length followed by these is not the session's ("10 min late", "20 minutes each morning").
TIME_NOT_LENGTH_AFTER = (
    r"(?i)^\s*(?:late|early|behind|over(?:time)?\b|past|before|after|into|remaining|left|break|each|per|a day|"
    r"daily|nightly|every|twice|x/day|/day|of (?:exercise|walking|reading|practice|homework|meditation))"
)
# Sleep and daily-life clock ranges are not the session's ("woke from 2:00 to 4:00 AM").
TIME_NOT_SESSION = r"(?i:\b(?:slept|sleep(?:s|ing)?|woke|wakes|waking|awake|bed|nap(?:s|ped)?|works?|shift|curfew|school)\b)"
TIME_SESSION_WORD = r"(?i:\b(?:session|sess|appt|appointment|visit|seen|met|therapy|time|start|began|tx)\b)"
# A length next to these is not the session's, unless a session word is next to it too ("panic attacks lasting
# 20 minutes", "walks 30 minutes daily").
TIME_ACTIVITY = (
    r"(?i:\b(?:attacks?|episodes?|panic|nightmares?|tantrums?|meltdowns?|outbursts?|flashbacks?|cravings?|urges?|"
    r"sleep\w*|slept|awake|woke|bed|naps?|commut\w*|driv\w*|drove|walk\w*|exercis\w*|run\w*|jog\w*|yoga|"
    r"meditat\w*|practic\w*|homework|hw|read\w*|screen time|phone|gaming|work(?:s|ed|ing)?|shifts?|school|"
    r"class|wait\w*|hold|late|early|break|pause|timer|meeting|daily|nightly|per day|a day|/day|mindful\w*|"
    r"body scan|breathing|exercises?|exposures?|role-?play\w*|activit\w*|worksheet|imagery|relaxation|grounding|"
    r"x/day|each|every|twice)\b)"
)
