"""The demo practice's psychotherapy progress notes: free text showing exactly the rulebook elements asked for.

A note is assembled from phrasing banks (data, first half of this module) by a small composer (second
half). Each rulebook element has its own bank; an element that is not asked for leaves no trace, so
the filler every note carries (presenting problem, subjective report) is written without clock times,
minute counts, risk words, mental-status words, intervention names, response words, plan words,
necessity words or attendance words. Section headers (S:/O:/A:/P:, D:/A:/P:, B:/I:/R:/P:) are layout,
not evidence: a header whose section has nothing to say is left with a placeholder. Asked for, a note with
the plan element also states a treatment-plan review done in the session, or one still due (a look-alike).

The composer draws only from the `random.Random` it is given, in a fixed order, so the same rng state and
arguments give the same text (it never iterates over the `elements` frozenset, whose order depends on
the hash seed).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from synthetic.catalog import ELEMENTS

STYLES: tuple[str, ...] = ("SOAP", "DAP", "BIRP", "narrative")

# ---------------------------------------------------------------------------------------------------
# Data: phrasing banks. Slots in braces are filled by the composer: computed ones (times, scores, dates,
# the modality, attendees) by the _*_slots functions, the rest drawn from the word banks further down.
# "full" phrasings are written out; "terse" ones are what an abbreviating clinician writes.
# A phrasing that names the session's modality ({mod_name}, {mod_abbr}, {technique}, {homework}) is
# only used when the intervention element is present too, so plan and response never leak it.
# ---------------------------------------------------------------------------------------------------

PHRASINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "time": {
        "full": (
            "Session {s24}–{e24} ({mins} min).",
            "Start {s12} / End {e12}.",
            "Total face-to-face time: {mins} minutes.",
            "Session began at {s12} and ended at {e12} ({mins} minutes).",
            "Time in: {s12}; time out: {e12}.",
            "Start time {s24}, stop time {e24}; total {mins} minutes.",
            "Psychotherapy time: {mins} minutes ({s12}–{e12}).",
            "Duration: {mins} minutes.",
            "Session held from {s12} to {e12}.",
        ),
        "terse": (
            "{mins} min session.",
            "{s24}-{e24}.",
            "Time: {s24}-{e24} ({mins} min).",
            "F2F {mins} min.",
            "Session {s24}–{e24}.",
        ),
    },
    "risk": {
        "full": (
            "{Pt} denies SI/HI.",
            "{Pt} denied suicidal or homicidal ideation when asked.",
            "C-SSRS screen negative; no SI, HI, or self-harm.",
            "Risk assessment: {pt} denies current suicidal ideation, intent, or plan, and denies homicidal ideation.",
            "Asked about SI/HI; {pt} denied both.",
            "No SI/HI reported; {pt} denies self-harm urges.",
            "{Pt} denies thoughts of harming self or others.",
            "Safety: denies SI, HI, and self-injurious behavior; no safety concerns identified.",
            "Screened for suicidal and homicidal ideation: negative.",
        ),
        "terse": (
            "Denies SI/HI.",
            "SI/HI: denied.",
            "No SI/HI.",
            "-SI/-HI.",
            "Risk: denies SI/HI/SIB.",
        ),
    },
    "mental_status": {
        "full": (
            "MSE: alert, oriented x3, mood {mood}, affect {affect}.",
            "Presented as {groom} and {mood}, with {affect} affect; speech normal in rate and volume.",
            'Mental status: A&Ox4, cooperative, good eye contact; mood "{mood_quote}"; affect {affect}; '
            "thought process linear; insight and judgment fair.",
            "{Pt} appeared {groom} and cooperative; mood {mood}, affect {affect}; no evidence of psychosis.",
            "Appearance {groom}; behavior cooperative; mood {mood}; affect {affect}; insight fair, judgment good.",
            "Alert and oriented; speech {speech}; {pt} described mood as {mood}; affect {affect}; "
            "thought content appropriate.",
            "On observation {pt} was {groom} and calm, with {affect} affect congruent with stated mood.",
            "{Pt} presented with {affect} affect and {mood} mood; psychomotor activity within normal limits.",
        ),
        "terse": (
            "MSE WNL.",
            "MSE WNL except {affect} affect.",
            "A&Ox3. Mood {mood}. Affect {affect}.",
            "AOx4, mood {mood}, aff {affect}, TP linear.",
            "MSE: {mood}/{affect}.",
        ),
    },
    "intervention": {
        "full": (
            "Intervention: {mod_name}; {technique}.",
            "Used {mod_abbr} to address {problem}, focusing on {technique}.",
            "Therapist provided {mod_name}, including {technique}.",
            "Clinician employed {technique} ({mod_abbr}).",
            "Session utilized {mod_name} with emphasis on {technique}.",
            "Worked on {technique} within a {mod_abbr} framework.",
            "Applied {mod_name} techniques: {technique}.",
            "Introduced {technique} as part of {mod_abbr}.",
        ),
        "terse": (
            "Int: {mod_abbr}, {technique}.",
            "Tx: {mod_abbr} — {technique}.",
            "{mod_abbr}: {technique}.",
            "Interventions: {mod_abbr}.",
        ),
    },
    "response": {
        "full": (
            "{Pt} was receptive and engaged throughout.",
            "{Pt} responded well and verbalized understanding of the concepts discussed.",
            "{Pt} was initially hesitant but became more engaged as the session went on.",
            "{Pt} tolerated the session well and described it as helpful.",
            "Limited response today; {pt} struggled to connect with the material.",
            "{Pt} demonstrated good understanding and gave examples from the past week.",
            "Response to tx: fair; {pt} is beginning to apply concepts between sessions.",
            "{Pt} was able to identify two triggers and verbalized a commitment to change.",
            "{Pt} responded well to {mod_abbr}, practicing {technique} in session.",
            "{Pt} was able to demonstrate {technique} and reported reduced distress afterward.",
            "{Pt} found {technique} helpful and could describe when to use it.",
            "{Pt} struggled with {technique} but remained engaged.",
        ),
        "terse": (
            "Pt receptive.",
            "Good response; engaged.",
            "Pt engaged, verbalized understanding.",
            "Fair response.",
            "Tolerated well.",
            "Responded well to {mod_abbr}.",
            "Pt able to demo {technique}.",
        ),
    },
    "plan": {
        "full": (
            "Plan: continue {freq} sessions; next session {next_date}.",
            "Will meet again {next_day} to continue work on treatment goals.",
            "Progress toward treatment goal ({goal}): {status}.",
            "Treatment goals remain appropriate. Next appointment {next_date}.",
            "Next session scheduled for {next_day}, {next_date}.",
            "Continue current treatment plan at {freq} frequency.",
            "Goal 1 ({goal}): {status}. Continue {freq}.",
            "Plan to revisit goal of {goal} at next visit.",
            "Plan: continue {freq} {mod_abbr}; next session {next_date}.",
            "Will review {homework} at next session.",
            "Assigned {homework}; will review at follow-up.",
            "Continue {mod_abbr}; {pt} to complete {homework} before next visit.",
        ),
        "terse": (
            "RTC {freq_short}.",
            "F/u {next_date}.",
            "Cont tx plan.",
            "Plan: cont {freq}.",
            "Goal progress: {status}.",
            "Cont {mod_abbr}. HW: {homework}.",
            "F/u {next_date}, review {homework}.",
        ),
    },
    "necessity": {
        "full": (
            "Continued sessions are medically necessary due to {severity} symptoms of {problem} impairing {domain}.",
            "{scale} of {score} indicates {severity} symptoms; continued outpatient treatment is warranted.",
            "Medical necessity: symptoms persist and impair {domain}.",
            "Symptoms interfere with {domain}; ongoing therapy remains necessary to prevent decompensation.",
            "Functional impairment in {domain} ({impairment}) supports continued care at this level.",
            "Meets criteria for continued care given {severity} symptoms ({scale} {score}) and impaired {domain}.",
            "Current level of care remains necessary; without it, further decline in {domain} is expected.",
            "{Problem} causes clinically significant distress and impairment in {domain}.",
        ),
        "terse": (
            "Med nec: {scale} {score}, impaired {domain}.",
            "{scale} {score} ({severity}).",
            "Necessity: impairment in {domain}.",
            "Med necessity: {impairment}.",
        ),
    },
    "participants": {
        "full": (
            "Present: {who}.",
            "Attendees: {who_list}.",
            "Participants: {who_list}.",
            "In attendance: {who}.",
            "Session attended by {who}.",
            "{Who} {were} present for the session.",
            "Individuals present: {who_list}.",
            "Those present: {who}.",
        ),
        "terse": (
            "Present: {who_list}.",
            "Attending: {who_list}.",
            "In session: {who_list}.",
        ),
    },
}

# The answer to the risk question is sometimes "yes": passive ideation, handled with a safety plan.
RISK_ENDORSED: dict[str, tuple[str, ...]] = {
    "full": (
        "Reports passive SI without plan or intent; safety plan reviewed; denies HI.",
        "{Pt} endorsed fleeting passive suicidal ideation, denied intent or plan; safety plan updated; denies HI.",
        "C-SSRS: positive for wish to be dead, negative for active ideation, intent, or behavior; "
        "denies HI; safety plan reviewed.",
    ),
    "terse": (
        "+passive SI, no plan/intent; safety plan reviewed. Denies HI.",
        "Passive SI, denies intent/plan. No HI. Safety plan in place.",
    ),
}
RISK_ENDORSED_SHARE = 0.08

# Not rulebook elements: a treatment-plan review done in this session (payers that require "a treatment plan
# reviewed in the last N days" audit the note for it), and its look-alike, a review still to come, which a
# checker must not count. Both name the plan, so they go only into notes with the plan element, in its section;
# like the plan phrasings they carry no other element's words (no times, minutes, attendance, responses,
# interventions or modalities). Abbreviating clinicians write "Tx plan" or "ITP", never "TP": that is also the
# mental-status "thought process" (as in "TP linear"), which a note without that element must not show.
PLAN_REVIEW: dict[str, tuple[str, ...]] = {
    "full": (
        "Treatment plan reviewed with {pt} and updated to the revised goals.",
        "90-day treatment plan review completed; goals 1-2 continued, goal 3 revised.",
        "Reviewed the individualized treatment plan together; objectives updated to reflect progress.",
        "Periodic treatment plan review completed today; goals continued and one objective revised.",
        "Treatment plan updated with {pt}; goal of {goal} continued with new target dates.",
        "Treatment plan revised today: goal 2 met and retired, new goal of {goal} added.",
        "Quarterly review of the treatment plan completed; goals 1 and 2 continued, goal 3 revised.",
        "Reviewed each treatment plan goal with {pt}; plan renewed with updated target dates.",
        "Updated the master treatment plan today to reflect current goals; {pt} in agreement.",
        "Treatment plan reviewed and re-signed by {pt}; goals remain appropriate with minor edits.",
    ),
    "terse": (
        "Tx plan reviewed & updated w/ {pt}, signed.",
        "Tx plan updated today.",
        "Tx plan review done; goals cont, obj 2 revised.",
        "Tx plan reviewed/updated, {pt} signed.",
        "ITP updated; new goal added.",
        "Tx plan renewed, goals revised.",
        "Tx plan review completed today.",
    ),
}
PLAN_REVIEW_DUE: dict[str, tuple[str, ...]] = {
    "full": (
        "Treatment plan review due next session.",
        "Will update the treatment plan at the next visit.",
        "Treatment plan review scheduled for next appointment.",
        "Plan to review and update the treatment plan with {pt} at the next session.",
        "Treatment plan is due for its periodic review; will complete it next session.",
        "Will review treatment plan goals with {pt} on {next_date}.",
    ),
    "terse": (
        "Will update tx plan at next visit.",
        "Tx plan review scheduled for next appt.",
        "Tx plan review due next session.",
        "Tx plan update due {next_date}.",
        "Tx plan review next visit.",
    ),
}

# Not a rulebook element: every note says why the client is here, so a note without elements still reads like one.
SUBJECTIVE: dict[str, tuple[str, ...]] = {
    "full": (
        "{Pt} reports {symptom} since last visit, mostly tied to {stressor}.",
        "Presenting problem: {problem}. {Pt} describes {symptom}.",
        "{Pt} c/o {symptom}; identifies {stressor} as the main stressor this week.",
        "Focus of session: {problem} ({code}). {Pt} discussed {stressor}.",
        '{Pt} states, "{quote}" Reports {symptom}.',
        "{Pt} seen for ongoing care of {problem}; notes {symptom} in the context of {stressor}.",
        "Chief concern today: {symptom} related to {stressor}.",
    ),
    "terse": (
        "{Pt} c/o {symptom}. Stressor: {stressor}.",
        "Dx {code}. {Pt} reports {symptom}.",
        "CC: {symptom}; {stressor}.",
    ),
}

# An intake has no "last visit" to report against.
SUBJECTIVE_INTAKE: dict[str, tuple[str, ...]] = {
    "full": (
        "{Pt} seeks care for {symptom}, which began around {stressor}.",
        "{Pt} describes {symptom} that has built up with {stressor}; no prior outpatient care.",
        'History: {symptom}, worse with {stressor}. {Pt} states, "{quote}"',
    ),
    "terse": (
        "New pt. CC: {symptom}; {stressor}.",
        "New eval. {Pt} reports {symptom}.",
    ),
}

# Opening sentence by kind of service, where the CPT code implies one.
LEAD_IN: dict[str, tuple[str, ...]] = {
    "intake": (
        "Initial diagnostic evaluation for {problem}.",
        "Intake evaluation; {pt} referred for {problem}.",
    ),
    "crisis": (
        "Crisis session after {crisis_trigger}.",
        "Unscheduled crisis visit following {crisis_trigger}.",
    ),
    "group": (
        "Group topic: {group_topic}.",
        "Group focus this week: {group_topic}.",
    ),
    "family_with": (
        "Family session focused on {family_topic}.",
        "Conjoint session addressing {family_topic}.",
    ),
    "family_without": (
        "Collateral family session regarding {name}, focused on {family_topic}.",
        "Family session without {name}, addressing {family_topic}.",
    ),
}

# What an empty section shows: clinicians leave a dash, or point back to what they wrote above.
EMPTY_SECTION: tuple[str, ...] = ("—", "See above.", "N/A")

# Style -> sections, each a header (None: no header) and the parts it holds, in order.
LAYOUTS: dict[str, tuple[tuple[str | None, tuple[str, ...]], ...]] = {
    "SOAP": (
        ("S:", ("lead_in", "subjective")),
        ("O:", ("time", "participants", "mental_status", "intervention")),
        ("A:", ("risk", "response", "necessity")),
        ("P:", ("plan", "treatment_plan_review", "treatment_plan_review_due")),
    ),
    "DAP": (
        ("D:", ("time", "participants", "lead_in", "subjective", "mental_status", "risk", "intervention")),
        ("A:", ("response", "necessity")),
        ("P:", ("plan", "treatment_plan_review", "treatment_plan_review_due")),
    ),
    "BIRP": (
        ("B:", ("time", "participants", "lead_in", "subjective", "mental_status", "risk")),
        ("I:", ("intervention",)),
        ("R:", ("response",)),
        ("P:", ("plan", "treatment_plan_review", "treatment_plan_review_due", "necessity")),
    ),
    "narrative": (
        (
            None,
            (
                "time",
                "participants",
                "lead_in",
                "subjective",
                "mental_status",
                "risk",
                "intervention",
                "response",
                "necessity",
                "plan",
                "treatment_plan_review",
                "treatment_plan_review_due",
            ),
        ),
    ),
}
STYLE_WEIGHTS: tuple[float, ...] = (0.35, 0.25, 0.15, 0.25)  # SOAP, DAP, BIRP, narrative when the rng picks
TERSE_SHARE = 0.25  # share of notes written in abbreviations when the rng picks

# Service kind by CPT code; anything else is an individual session.
CPT_KIND: dict[str, str] = {
    "90791": "intake",
    "90846": "family_without",
    "90847": "family_with",
    "90853": "group",
    "90839": "crisis",
}

# Modality -> (full name, abbreviation as written, techniques, homework).
MODALITIES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "cbt": (
        "cognitive behavioral therapy (CBT)",
        "CBT",
        ("cognitive restructuring of catastrophic thoughts", "a thought record for automatic thoughts"),
        ("thought log", "cognitive distortions worksheet"),
    ),
    "dbt": (
        "DBT skills training",
        "DBT",
        ("distress tolerance skills (TIPP)", "emotion regulation skills", "chain analysis of a recent urge"),
        ("diary card", "daily DBT skills practice"),
    ),
    "mi": (
        "motivational interviewing",
        "MI",
        ("a decisional balance exercise", "eliciting change talk"),
        ("pros and cons list", "change plan worksheet"),
    ),
    "exposure": (
        "exposure therapy",
        "exposure work",
        ("in-session imaginal practice", "building a fear hierarchy"),
        ("exposure practice", "exposure log"),
    ),
    "erp": (
        "exposure and ritual prevention (ERP)",
        "ERP",
        ("in-session exposure with ritual prevention", "building an ERP hierarchy"),
        ("ERP log", "exposure practice"),
    ),
    "ba": (
        "behavioral activation",
        "BA",
        ("activity scheduling", "values-based activity scheduling"),
        ("activity schedule", "pleasant events log"),
    ),
    "emdr": (
        "EMDR",
        "EMDR",
        ("resource development and installation", "bilateral stimulation on the target memory"),
        ("container exercise", "peaceful place exercise"),
    ),
    "act": (
        "acceptance and commitment therapy (ACT)",
        "ACT",
        ("cognitive defusion", "values clarification"),
        ("values worksheet", "defusion practice"),
    ),
    "psychoed": (
        "psychoeducation",
        "psychoeducation",
        ("education on the symptom cycle", "education on triggers and early warning signs"),
        ("reading on symptom cycle", "symptom tracking sheet"),
    ),
    "relaxation": (
        "relaxation training",
        "relaxation training",
        ("diaphragmatic breathing", "progressive muscle relaxation"),
        ("daily breathing practice", "relaxation practice log"),
    ),
    "grounding": (
        "grounding skills",
        "grounding skills",
        ("5-4-3-2-1 sensory awareness", "paced breathing"),
        ("grounding practice", "trigger log"),
    ),
    "mindfulness": (
        "mindfulness-based skills",
        "mindfulness skills",
        ("breath awareness", "a body scan"),
        ("mindfulness practice log", "daily body scan"),
    ),
    "relapse": (
        "relapse prevention",
        "relapse prevention",
        ("mapping high-craving situations", "a coping card for cravings"),
        ("craving log", "coping card"),
    ),
    "problem_solving": (
        "problem-solving therapy",
        "PST",
        ("structured problem-solving steps", "problem-solving on the main stressor"),
        ("problem-solving worksheet", "action steps list"),
    ),
    "family_systems": (
        "structural family therapy",
        "SFT",
        ("family communication skills practice", "reframing the conflict as a family pattern"),
        ("family meeting", "communication skills practice at home"),
    ),
    "pmt": (
        "parent management training",
        "PMT",
        ("role-play of praise and active ignoring", "consistent consequences"),
        ("praise tracking chart", "behavior chart"),
    ),
}

# Clinical profile per category. Words here are filler or slot values and must not carry the markers
# of any element they could appear without (no "mood", "minutes", "safe", "plan", "impair", ...).
CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "anxiety": {
        "symptom": (
            "persistent worry",
            "restlessness and muscle tension",
            "trouble falling asleep due to racing thoughts",
            "two panic episodes",
            "avoidance of social events",
            "worry about health",
        ),
        "quote": ("I can't turn my brain off.", "I keep expecting the worst.", "My chest gets tight at work."),
        "mood": ("anxious", "worried", "nervous"),
        "mood_quote": ("stressed", "on edge", "okay, just tense"),
        "affect": ("anxious", "constricted", "congruent"),
        "speech": ("normal rate and rhythm", "slightly rapid"),
        "goal": ("reducing worry to manageable levels", "decreasing avoidance"),
        "modalities": ("cbt", "exposure", "act", "relaxation", "psychoed", "mindfulness"),
        "scale": ("GAD-7",),
    },
    "depression": {
        "symptom": (
            "low energy",
            "loss of interest in hobbies",
            "poor appetite",
            "withdrawal from friends",
            "early morning awakening",
            "low motivation",
        ),
        "quote": ("Everything feels like a chore.", "I just don't enjoy anything.", "I stay in bed most days."),
        "mood": ("depressed", "down", "dysphoric"),
        "mood_quote": ("tired", "blah", "low"),
        "affect": ("flat", "constricted", "blunted", "congruent"),
        "speech": ("soft and slow", "normal rate and rhythm"),
        "goal": ("increasing daily activity", "reconnecting with friends"),
        "modalities": ("cbt", "ba", "act", "psychoed", "mi"),
        "scale": ("PHQ-9",),
    },
    "trauma": {
        "symptom": (
            "nightmares",
            "intrusive memories",
            "hypervigilance in crowds",
            "strong startle reactions",
            "avoidance of reminders of the accident",
        ),
        "quote": ("I keep replaying it.", "I can't go near that intersection.", "Loud noises set me off."),
        "mood": ("anxious", "irritable", "tense"),
        "mood_quote": ("jumpy", "wiped out", "okay"),
        "affect": ("constricted", "anxious", "congruent"),
        "speech": ("normal rate and rhythm", "guarded at first"),
        "goal": ("reducing nightmares and avoidance", "resuming driving"),
        "modalities": ("emdr", "cbt", "grounding", "psychoed", "exposure"),
        "scale": ("PCL-5",),
    },
    "adjustment": {
        "symptom": ("feeling overwhelmed", "irritability", "difficulty concentrating", "frequent crying spells"),
        "quote": ("It's all too much right now.", "I don't recognize my life anymore."),
        "mood": ("overwhelmed", "sad", "irritable"),
        "mood_quote": ("stressed out", "not great"),
        "affect": ("congruent", "labile", "constricted"),
        "speech": ("normal rate and rhythm",),
        "goal": ("adapting to the recent change", "rebuilding routines"),
        "modalities": ("cbt", "problem_solving", "psychoed", "act"),
        "scale": ("PHQ-9", "GAD-7"),
    },
    "adhd": {
        "symptom": ("difficulty finishing tasks", "forgetfulness", "procrastination on assignments", "restlessness"),
        "quote": ("I start ten things and finish none.", "I lose track of everything."),
        "mood": ("euthymic", "frustrated"),
        "mood_quote": ("fine", "annoyed"),
        "affect": ("full range", "bright", "congruent"),
        "speech": ("normal rate and rhythm", "rapid at times"),
        "goal": ("improving organization", "completing assignments consistently"),
        "modalities": ("cbt", "psychoed", "problem_solving"),
        "scale": ("GAD-7", "PHQ-9"),
    },
    "substance": {
        "symptom": ("cravings on weekends", "drinking more than intended", "guilt after drinking"),
        "quote": ("I only meant to have one.", "Weekends are the hardest."),
        "mood": ("ambivalent", "anxious", "euthymic"),
        "mood_quote": ("okay", "restless"),
        "affect": ("congruent", "constricted"),
        "speech": ("normal rate and rhythm",),
        "goal": ("reducing drinking days", "building sober supports"),
        "modalities": ("mi", "cbt", "relapse", "dbt"),
        "scale": ("PHQ-9", "GAD-7"),
    },
    "ocd": {
        "symptom": ("checking rituals", "intrusive contamination thoughts", "reassurance seeking"),
        "quote": ("I know it's irrational but I have to check.", "If I don't wash, something bad happens."),
        "mood": ("anxious", "frustrated"),
        "mood_quote": ("tense", "exhausted"),
        "affect": ("anxious", "congruent"),
        "speech": ("normal rate and rhythm",),
        "goal": ("reducing rituals", "accepting uncertainty"),
        "modalities": ("erp", "act", "psychoed"),
        "scale": ("GAD-7",),
    },
    "bipolar": {
        "symptom": ("racing thoughts", "decreased need for sleep", "irritability", "impulsive spending"),
        "quote": ("My thoughts move faster than I can talk.", "I crashed after a great week."),
        "mood": ("irritable", "elevated", "euthymic"),
        "mood_quote": ("wired", "fine"),
        "affect": ("expansive", "labile", "congruent"),
        "speech": ("pressured at times", "normal rate and rhythm"),
        "goal": ("stabilizing sleep and routines", "recognizing early warning signs"),
        "modalities": ("psychoed", "cbt", "dbt"),
        "scale": ("PHQ-9",),
    },
    "general": {
        "symptom": ("ongoing stress", "feeling overwhelmed", "difficulty concentrating"),
        "quote": ("I just need to get back on track.", "Things keep piling up."),
        "mood": ("anxious", "euthymic", "down"),
        "mood_quote": ("okay", "stressed"),
        "affect": ("congruent", "full range"),
        "speech": ("normal rate and rhythm",),
        "goal": ("improving coping with stress",),
        "modalities": ("cbt", "psychoed", "act", "problem_solving"),
        "scale": ("PHQ-9", "GAD-7"),
    },
}

# Modalities a family or group session draws from instead of the category's own.
KIND_MODALITIES: dict[str, tuple[str, ...]] = {
    "family_with": ("family_systems", "pmt", "psychoed", "cbt"),
    "family_without": ("pmt", "family_systems", "psychoed"),
    "group": ("dbt", "cbt", "psychoed", "mindfulness", "relapse"),
}

# ICD-10-CM code (or its three-character category) -> (category, plain-language problem).
DIAGNOSES: dict[str, tuple[str, str]] = {
    "F41.1": ("anxiety", "generalized anxiety"),
    "F41.0": ("anxiety", "panic attacks"),
    "F41.9": ("anxiety", "anxiety"),
    "F40.10": ("anxiety", "social anxiety"),
    "F40": ("anxiety", "phobic anxiety"),
    "F41": ("anxiety", "anxiety"),
    "F93.0": ("anxiety", "separation anxiety"),
    "F32": ("depression", "depression"),
    "F33": ("depression", "recurrent depression"),
    "F34.1": ("depression", "persistent depressive disorder"),
    "F43.1": ("trauma", "posttraumatic stress"),
    "F43.10": ("trauma", "posttraumatic stress"),
    "F43.12": ("trauma", "chronic posttraumatic stress"),
    "F43.2": ("adjustment", "adjustment difficulties"),
    "F43": ("adjustment", "stress reaction"),
    "F90": ("adhd", "ADHD"),
    "F10": ("substance", "alcohol use"),
    "F42": ("ocd", "obsessive-compulsive symptoms"),
    "F31": ("bipolar", "bipolar disorder"),
}

STRESSORS: tuple[str, ...] = (
    "work deadlines",
    "a conflict with a coworker",
    "finances",
    "a recent move",
    "school exams",
    "a breakup",
    "caring for an aging parent",
    "family conflict",
    "a new job",
    "health concerns",
)
FAMILY_TOPICS: tuple[str, ...] = (
    "communication at home",
    "consistent household rules",
    "conflict between siblings",
    "co-parenting disagreements",
    "rebuilding trust",
)
GROUP_TOPICS: tuple[str, ...] = ("coping with stress", "healthy boundaries", "managing cravings", "self-compassion")
CRISIS_TRIGGERS: tuple[str, ...] = ("a sudden job loss", "a breakup", "an argument at home", "a car accident")

GROOMING: tuple[str, ...] = (
    "well-groomed",
    "casually dressed, adequately groomed",
    "appropriately dressed",
    "disheveled",
)
# (as written, as abbreviated, days to the next session); weekly twice as common as biweekly.
FREQUENCIES: tuple[tuple[str, str, int], ...] = (
    ("weekly", "1 wk", 7),
    ("weekly", "1 wk", 7),
    ("biweekly", "2 wks", 14),
)
GOAL_STATUS: tuple[str, ...] = ("partially met", "progressing", "not yet met", "minimal progress", "met, maintaining")
DOMAINS: tuple[str, ...] = (
    "work performance",
    "school performance",
    "home life",
    "relationships",
    "self-care",
    "social life",
    "parenting",
)
IMPAIRMENTS: tuple[str, ...] = (
    "missed work days",
    "falling grades",
    "withdrawal from friends",
    "escalating conflict at home",
    "neglected household tasks",
)
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Score ranges a note cites when it argues necessity, with the band label each falls in (lower bound, label).
SCALES: dict[str, tuple[int, int, tuple[tuple[int, str], ...]]] = {
    "GAD-7": (10, 21, ((10, "moderate"), (15, "severe"))),
    "PHQ-9": (10, 27, ((10, "moderate"), (15, "moderately severe"), (20, "severe"))),
    "PCL-5": (33, 74, ((33, "clinically significant"), (50, "severe"))),
}

# Subject as written: (sentence start, mid-sentence). A name is used as is.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Client", "client"),
    ("Client", "client"),
    ("Patient", "patient"),
    ("Pt", "pt"),
)

# ---------------------------------------------------------------------------------------------------
# Logic
# ---------------------------------------------------------------------------------------------------

_MODALITY_SLOTS = ("{mod_name}", "{mod_abbr}", "{technique}", "{homework}")


def _needs_modality(template: str) -> bool:
    return any(slot in template for slot in _MODALITY_SLOTS)


def _split_bank(templates: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(usable without the intervention element, usable only with it)."""
    plain = tuple(t for t in templates if not _needs_modality(t))
    return plain, plain + tuple(t for t in templates if _needs_modality(t))


# (element, terse) -> (bank without intervention, bank with intervention), built once.
_BANKS: dict[tuple[str, bool], tuple[tuple[str, ...], tuple[str, ...]]] = {
    (element, register == "terse"): _split_bank(templates)
    for element, registers in PHRASINGS.items()
    for register, templates in registers.items()
}
_ELEMENT_SET = frozenset(ELEMENTS)
# Parts whose span the composer reports: the elements and the two plan-review sentences.
_SPANNED = _ELEMENT_SET | {"treatment_plan_review", "treatment_plan_review_due"}
_PROFILE_CACHE: dict[str, tuple[str, str]] = {}

# Slots filled by a plain draw from a bank, per category: the category's own banks plus the shared ones.
_CATEGORY_SLOTS = ("symptom", "quote", "mood", "mood_quote", "affect", "speech", "goal")
_SHARED_BANKS: dict[str, tuple[str, ...]] = {
    "stressor": STRESSORS,
    "groom": GROOMING,
    "status": GOAL_STATUS,
    "domain": DOMAINS,
    "impairment": IMPAIRMENTS,
    "family_topic": FAMILY_TOPICS,
    "group_topic": GROUP_TOPICS,
    "crisis_trigger": CRISIS_TRIGGERS,
}
_SLOT_BANKS: dict[str, dict[str, tuple[str, ...]]] = {
    category: _SHARED_BANKS | {slot: profile[slot] for slot in _CATEGORY_SLOTS}
    for category, profile in CATEGORIES.items()
}


def _pick(rng: random.Random, seq: tuple):
    # Faster than rng.choice and just as deterministic; a note makes some twenty draws.
    return seq[int(rng.random() * len(seq))]


class _Slots(dict):
    """One note's slot values. A bank slot is drawn the first time a chosen phrasing asks for it, so a note
    pays only for the slots it writes (and the draw order still follows the text, hence stays reproducible)."""

    __slots__ = ("_rng", "_banks")

    def __init__(self, rng: random.Random, banks: dict[str, tuple[str, ...]], fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self._rng = rng
        self._banks = banks

    def __missing__(self, slot: str) -> str:
        value = self[slot] = _pick(self._rng, self._banks[slot])
        return value


def _profile(diagnosis: str) -> tuple[str, str]:
    """(category, problem) for an ICD-10-CM code: exact code, then its category, then generic."""
    found = _PROFILE_CACHE.get(diagnosis)
    if found is None:
        code = diagnosis.strip().upper()
        found = (
            DIAGNOSES.get(code)
            or DIAGNOSES.get(code[:5])  # e.g. F43.11 -> F43.1
            or DIAGNOSES.get(code[:3])
            or ("general", "presenting concerns")
        )
        _PROFILE_CACHE[diagnosis] = found
    return found


def _clock24(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _clock12(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _time_slots(ctx: dict, start: datetime, end: datetime) -> None:
    # Clock times as written in the datetimes; minutes from the instants, so a DST change is counted right.
    ctx["s24"], ctx["e24"] = _clock24(start), _clock24(end)
    ctx["s12"], ctx["e12"] = _clock12(start), _clock12(end)
    ctx["mins"] = int((end - start).total_seconds() // 60)


def _intervention_slots(ctx: dict, rng: random.Random, profile: dict, kind: str) -> None:
    name, abbr, techniques, homework = MODALITIES[_pick(rng, KIND_MODALITIES.get(kind, profile["modalities"]))]
    ctx["mod_name"], ctx["mod_abbr"] = name, abbr
    ctx["technique"] = _pick(rng, techniques)
    ctx["homework"] = _pick(rng, homework)


def _plan_slots(ctx: dict, rng: random.Random, start: datetime) -> None:
    freq, freq_short, days = _pick(rng, FREQUENCIES)
    following = start + timedelta(days=days)
    ctx["freq"], ctx["freq_short"] = freq, freq_short
    ctx["next_date"] = f"{following.month}/{following.day}"
    ctx["next_day"] = WEEKDAYS[following.weekday()]


def _necessity_slots(ctx: dict, rng: random.Random, profile: dict) -> None:
    scale = _pick(rng, profile["scale"])
    low, high, bands = SCALES[scale]
    score = low + int(rng.random() * (high - low + 1))
    ctx["scale"], ctx["score"] = scale, score
    ctx["severity"] = next(label for floor, label in reversed(bands) if score >= floor)


def _participant_slots(ctx: dict, participants: tuple[str, ...], kind: str) -> None:
    people = participants or (("caregiver",) if kind == "family_without" else ("patient",))
    patient = ctx["name"] if kind == "family_without" else ctx["pt"]  # "family" is the subject there, not the patient
    names = [patient if person == "patient" else person for person in people]
    ctx["who_list"] = ", ".join(names)
    if len(names) == 1:
        ctx["who"] = names[0]
    else:
        ctx["who"] = ", ".join(names[:-1]) + (" and " if len(names) == 2 else ", and ") + names[-1]
    ctx["Who"] = ctx["who"][:1].upper() + ctx["who"][1:]
    ctx["were"] = "was" if len(names) == 1 else "were"


def _base_slots(
    rng: random.Random, category: str, problem: str, diagnosis: str, kind: str, name: str, terse: bool
) -> _Slots:
    if kind == "family_without":
        subject = ("Family", "family")  # the patient is not in the room; the family speaks
    elif terse:
        subject = ("Pt", "pt")
    else:
        subject = _pick(rng, SUBJECTS + ((name, name),))
    fixed = {
        "Pt": subject[0],
        "pt": subject[1],
        "name": name,
        "code": diagnosis,
        "problem": problem,
        "Problem": problem[:1].upper() + problem[1:],
    }
    return _Slots(rng, _SLOT_BANKS[category], fixed)


def _element_sentence(rng: random.Random, element: str, terse: bool, with_modality: bool, ctx: dict) -> str:
    if element == "risk" and rng.random() < RISK_ENDORSED_SHARE:
        return _pick(rng, RISK_ENDORSED["terse" if terse else "full"]).format_map(ctx)
    return _pick(rng, _BANKS[element, terse][with_modality]).format_map(ctx)


def _choose_style(rng: random.Random) -> str:
    draw = rng.random()
    for style, weight in zip(STYLES, STYLE_WEIGHTS):
        draw -= weight
        if draw < 0:
            return style
    return STYLES[-1]


def compose_note_with_spans(
    rng: random.Random,
    elements: frozenset[str],
    cpt: str,
    start: datetime,
    end: datetime,
    diagnosis: str,
    patient_first_name: str,
    participants: tuple[str, ...] = (),
    style: str | None = None,
    terse: bool | None = None,
    *,
    reviews_treatment_plan: bool = False,
    review_due: bool = False,
) -> tuple[str, dict[str, tuple[int, int]]]:
    """The note text and, for each element written, its (start, end) character span in the text; also the span
    of the treatment-plan review sentence (`"treatment_plan_review"`) and of the review-due sentence
    (`"treatment_plan_review_due"`) when the note has one."""
    if not elements <= _ELEMENT_SET:
        raise ValueError(f"unknown note elements: {sorted(elements - _ELEMENT_SET)}")
    if (reviews_treatment_plan or review_due) and "plan" not in elements:
        raise ValueError("a treatment-plan review (or one due) is written in the plan: the note needs the plan element")
    if reviews_treatment_plan and review_due:
        raise ValueError("a note that reviews the treatment plan does not also say the review is due")
    if style is None:
        style = _choose_style(rng)
    elif style not in LAYOUTS:
        raise ValueError(f"unknown note style {style!r}; expected one of {STYLES}")
    if terse is None:
        terse = rng.random() < TERSE_SHARE

    category, problem = _profile(diagnosis)
    kind = CPT_KIND.get(cpt, "individual")
    ctx = _base_slots(rng, category, problem, diagnosis, kind, patient_first_name, terse)

    # Slots are drawn in ELEMENTS order, never in frozenset order, so the rng stream is reproducible.
    with_modality = "intervention" in elements
    if "time" in elements:
        _time_slots(ctx, start, end)
    if with_modality:
        _intervention_slots(ctx, rng, CATEGORIES[category], kind)
    if "plan" in elements:
        _plan_slots(ctx, rng, start)
    if "necessity" in elements:
        _necessity_slots(ctx, rng, CATEGORIES[category])
    if "participants" in elements:
        _participant_slots(ctx, participants, kind)

    sentences: dict[str, str] = {}
    for element in ELEMENTS:
        if element in elements:
            sentences[element] = _element_sentence(rng, element, terse, with_modality, ctx)
    if kind in LEAD_IN:
        sentences["lead_in"] = _pick(rng, LEAD_IN[kind]).format_map(ctx)
    subjective = SUBJECTIVE_INTAKE if kind == "intake" else SUBJECTIVE
    sentences["subjective"] = _pick(rng, subjective["terse" if terse else "full"]).format_map(ctx)
    # Drawn last and only when asked for, so a note without them is the same text from the same rng state.
    if reviews_treatment_plan:
        sentences["treatment_plan_review"] = _pick(rng, PLAN_REVIEW["terse" if terse else "full"]).format_map(ctx)
    if review_due:
        sentences["treatment_plan_review_due"] = _pick(rng, PLAN_REVIEW_DUE["terse" if terse else "full"]).format_map(
            ctx)

    return _assemble(rng, LAYOUTS[style], sentences)


def _assemble(
    rng: random.Random, layout: tuple[tuple[str | None, tuple[str, ...]], ...], sentences: dict[str, str]
) -> tuple[str, dict[str, tuple[int, int]]]:
    chunks: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    position = 0
    for header, parts in layout:
        if chunks:
            chunks.append("\n")
            position += 1
        if header is not None:
            chunks.append(header)
            position += len(header)
        wrote = False
        for part in parts:
            sentence = sentences.get(part)
            if sentence is None:
                continue
            if header is not None or wrote:
                chunks.append(" ")
                position += 1
            chunks.append(sentence)
            if part in _SPANNED:
                spans[part] = (position, position + len(sentence))
            position += len(sentence)
            wrote = True
        if not wrote and header is not None:
            filler = _pick(rng, EMPTY_SECTION)
            chunks.append(" " + filler)
            position += 1 + len(filler)
    return "".join(chunks), spans


def compose_note(
    rng: random.Random,
    elements: frozenset[str],
    cpt: str,
    start: datetime,
    end: datetime,
    diagnosis: str,
    patient_first_name: str,
    participants: tuple[str, ...] = (),
    style: str | None = None,
    terse: bool | None = None,
    *,
    reviews_treatment_plan: bool = False,
    review_due: bool = False,
) -> str:
    """A progress note in which exactly the rulebook elements in `elements` are present.

    `style` is "SOAP", "DAP", "BIRP" or "narrative"; `terse` asks for an abbreviating clinician's
    phrasings. Either left as None is drawn from `rng` (a clinician's habit can be passed in instead).
    `reviews_treatment_plan` adds a sentence stating that the treatment plan was reviewed in this session
    (PLAN_REVIEW); `review_due` one saying a review is still to come (PLAN_REVIEW_DUE), which is no review.
    Either needs the plan element, in whose section it is written.
    """
    return compose_note_with_spans(
        rng, elements, cpt, start, end, diagnosis, patient_first_name, participants, style, terse,
        reviews_treatment_plan=reviews_treatment_plan, review_due=review_due,
    )[0]
