"""Fixed facts the demo practice is made of: CPT codes, diagnoses, credentials, names, payer profiles.

All payer and practice names are fictional. Fee schedules are near published 2024 Medicare
rates for the psychotherapy codes, scaled per payer; charges follow a typical practice charge master.
"""

from __future__ import annotations

# CPT -> (description, scheduled minutes, rulebook minutes low, high or None, required elements)
CPT = {
    "90791": ("psychiatric diagnostic evaluation", 60, None, None, ("risk", "mental_status", "necessity", "plan")),
    "90832": ("psychotherapy, 30 min", 30, 16, 37, ("time", "risk", "intervention", "response", "plan")),
    "90834": ("psychotherapy, 45 min", 45, 38, 52, ("time", "risk", "intervention", "response", "plan")),
    "90837": ("psychotherapy, 60 min", 60, 53, None, ("time", "risk", "intervention", "response", "plan", "necessity")),
    "90846": ("family psychotherapy without patient", 50, 26, None, ("time", "participants", "intervention", "plan")),
    "90847": ("family psychotherapy with patient", 50, 26, None, ("time", "participants", "intervention", "response", "plan")),
    "90853": ("group psychotherapy", 90, None, None, ("intervention", "response", "plan")),
    "90839": ("psychotherapy for crisis, first 60 min", 60, 30, 74, ("time", "risk", "intervention", "plan", "necessity")),
}

ELEMENTS = ("time", "risk", "mental_status", "intervention", "response", "plan", "necessity", "participants")

# Charge master in cents (the practice bills every payer the same charge).
CHARGE_CENTS = {
    "90791": 25000, "90832": 11000, "90834": 16000, "90837": 21000,
    "90846": 17000, "90847": 18000, "90853": 7500, "90839": 26000,
}

# Medicare-like base allowed amounts in cents; payers scale these.
BASE_ALLOWED_CENTS = {
    "90791": 17400, "90832": 7700, "90834": 10200, "90837": 15000,
    "90846": 10300, "90847": 10700, "90853": 2800, "90839": 15500,
}

DIAGNOSES = {
    "F41.1": "Generalized anxiety disorder",
    "F41.0": "Panic disorder without agoraphobia",
    "F41.9": "Anxiety disorder, unspecified",
    "F40.10": "Social phobia, unspecified",
    "F93.0": "Separation anxiety disorder of childhood",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F32.0": "Major depressive disorder, single episode, mild",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.0": "Major depressive disorder, recurrent, mild",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.21": "Adjustment disorder with depressed mood",
    "F43.22": "Adjustment disorder with anxiety",
    "F43.23": "Adjustment disorder with mixed anxiety and depressed mood",
    "F90.0": "Attention-deficit hyperactivity disorder, predominantly inattentive type",
    "F42.2": "Mixed obsessional thoughts and acts",
    "F10.20": "Alcohol dependence, uncomplicated",
}

ANXIETY_PREFIXES = ("F40", "F41", "F93.0")

# Primary diagnosis weights by age band.
DIAGNOSIS_WEIGHTS = {
    "child": {"F93.0": 20, "F90.0": 25, "F41.9": 15, "F43.22": 15, "F43.23": 10, "F41.1": 10, "F32.0": 5},
    "adolescent": {"F41.1": 26, "F41.9": 8, "F40.10": 9, "F32.1": 16, "F43.23": 13, "F90.0": 8, "F93.0": 4,
                   "F33.1": 5, "F43.10": 6, "F41.0": 5},
    "adult": {"F41.1": 20, "F32.1": 15, "F33.1": 12, "F43.23": 9, "F43.10": 10, "F41.0": 6, "F43.21": 6,
              "F42.2": 3, "F40.10": 4, "F33.0": 5, "F90.0": 4, "F10.20": 3, "F41.9": 3},
    "older": {"F32.1": 22, "F33.1": 20, "F33.0": 10, "F41.1": 20, "F43.21": 12, "F43.10": 6, "F41.9": 10},
}

CREDENTIALS = {
    # credential: (weight, NUCC taxonomy)
    "LCSW": (30, "1041C0700X"),
    "LPC": (30, "101YP2500X"),
    "LMFT": (15, "106H00000X"),
    "PhD": (8, "103TC0700X"),
    "PsyD": (6, "103TC0700X"),
    "MD": (5, "2084P0800X"),
    "NP": (6, "363LP0808X"),
}

FIRST_NAMES_F = (
    "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail", "Emily",
    "Ella", "Elizabeth", "Camila", "Luna", "Sofia", "Avery", "Mila", "Aria", "Scarlett", "Penelope", "Layla",
    "Chloe", "Victoria", "Madison", "Eleanor", "Grace", "Nora", "Riley", "Zoey", "Hannah", "Hazel", "Lily",
    "Ellie", "Violet", "Lillian", "Zoe", "Stella", "Aurora", "Natalie", "Emilia", "Everly", "Leah", "Aubrey",
    "Maria", "Ana", "Lucia", "Keisha", "Aaliyah", "Jasmine", "Mei", "Priya", "Fatima", "Yesenia", "Guadalupe",
)
FIRST_NAMES_M = (
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Theodore", "Jack",
    "Levi", "Alexander", "Jackson", "Mateo", "Daniel", "Michael", "Mason", "Sebastian", "Ethan", "Logan",
    "Owen", "Samuel", "Jacob", "Asher", "Aiden", "John", "Joseph", "Wyatt", "David", "Leo", "Luke", "Julian",
    "Hudson", "Grayson", "Matthew", "Ezra", "Gabriel", "Carter", "Isaac", "Jayden", "Luca", "Anthony",
    "Jose", "Juan", "Carlos", "Miguel", "DeShawn", "Tyrone", "Wei", "Arjun", "Omar", "Hector", "Andre",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez",
    "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart",
    "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
    "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Okafor", "Nakamura", "Haddad",
)
STREETS = (
    "Oak St", "Maple Ave", "Cedar Ln", "Pecan St", "Guadalupe St", "Lamar Blvd", "Congress Ave", "Burnet Rd",
    "Riverside Dr", "Elm St", "Willow Way", "Barton Springs Rd", "Koenig Ln", "Manor Rd", "Airport Blvd",
    "Cameron Rd", "Slaughter Ln", "Parmer Ln", "Red River St", "Sixth St",
)
CITIES = (
    ("Austin", "TX", ("78701", "78702", "78703", "78704", "78705", "78721", "78723", "78731", "78745", "78753")),
    ("Round Rock", "TX", ("78664", "78665", "78681")),
    ("Pflugerville", "TX", ("78660",)),
    ("Cedar Park", "TX", ("78613",)),
    ("San Marcos", "TX", ("78666",)),
    ("Georgetown", "TX", ("78626", "78628")),
)

# Payer profiles. share: of insured patients (age-adjusted in the simulation). plan_review: days within which
# a session's treatment plan must have been reviewed (the intake establishes it).
PAYERS = (
    dict(payer_id="PBH01", name="Prairie Blue Health", payer_type="commercial", share=0.27, allowed_factor=1.18,
         lag=(15.0, 0.35), weekday=1, filing=180, auth=("none", 0), cas="service", denial_style="4", logit=0.0,
         copay=3000, deductible=0, coinsurance=0.0, plan_review=180,
         address=("PO Box 660044", "Dallas", "TX", "75266")),
    dict(payer_id="SUM02", name="Summit Health Plans", payer_type="commercial", share=0.15, allowed_factor=1.10,
         lag=(19.0, 0.40), weekday=3, filing=90, auth=("after_n", 12), cas="claim", denial_style="zero_paid",
         logit=0.25, copay=0, deductible=250000, coinsurance=0.2, plan_review=180,
         address=("PO Box 30555", "Salt Lake City", "UT", "84130")),
    dict(payer_id="MER03", name="Meridian Choice Insurance", payer_type="commercial", share=0.13, allowed_factor=1.25,
         lag=(13.0, 0.30), weekday=2, filing=365, auth=("none", 0), cas="service", denial_style="4", logit=-0.35,
         copay=2500, deductible=0, coinsurance=0.0, plan_review=180,
         address=("PO Box 981106", "El Paso", "TX", "79998")),
    dict(payer_id="CAR04", name="Cardinal Health Alliance", payer_type="commercial", share=0.09, allowed_factor=1.05,
         lag=(24.0, 0.45), weekday=4, filing=120, auth=("first_visit", 12), cas="service", denial_style="4", logit=0.15,
         copay=3500, deductible=100000, coinsurance=0.0, plan_review=180,
         address=("PO Box 740800", "Atlanta", "GA", "30374")),
    dict(payer_id="LSM05", name="Lone Star Medicaid Partners", payer_type="medicaid", share=0.20, allowed_factor=0.72,
         lag=(21.0, 0.40), weekday=0, filing=95, auth=("after_n", 8), cas="service", denial_style="zero_paid", logit=0.55,
         copay=0, deductible=0, coinsurance=0.0, plan_review=90,
         address=("PO Box 3000", "Farmington", "MO", "63640")),
    dict(payer_id="HMC06", name="Heartland Medicare Administrative Contractor", payer_type="medicare", share=0.11,
         allowed_factor=1.0, lag=(16.0, 0.12), weekday=1, filing=365, auth=("none", 0), cas="claim", denial_style="4",
         logit=-0.2, copay=0, deductible=-1, coinsurance=0.2, plan_review=90,
         address=("PO Box 3095", "Mechanicsburg", "PA", "17055")),
    dict(payer_id="HEA07", name="Horizon Employee Assistance", payer_type="eap", share=0.05, allowed_factor=0.95,
         lag=(27.0, 0.45), weekday=4, filing=90, auth=("first_visit", 6), cas="service", denial_style="4", logit=0.1,
         copay=0, deductible=0, coinsurance=0.0, plan_review=90,
         address=("PO Box 1209", "Chicago", "IL", "60690")),
)

# Medicare Part B deductible by year, in cents (published CMS figures).
MEDICARE_PART_B_DEDUCTIBLE = {2022: 23300, 2023: 22600, 2024: 24000, 2025: 25700, 2026: 28300}

SELF_PAY_RATE_CENTS = {"90791": 18000, "90832": 9000, "90834": 12000, "90837": 15000,
                       "90846": 13000, "90847": 14000, "90853": 5000, "90839": 18000}

# Denial reasons: for the cause that drove a denial, the (CARC, RARC, weight) payers answer with.
DENIAL_REASONS = {
    "documentation": (("50", "M127", 55), ("16", "N29", 45)),
    "treatment_plan": (("50", "M127", 55), ("16", "N29", 45)),  # a documentation denial: no current plan review
    "necessity": (("50", "M25", 1),),
    "length": (("50", "M25", 1),),
    "authorization": (("197", "M62", 1),),
    "auth_exhausted": (("197", "N54", 1),),
    "coverage": (("27", "N30", 1),),
    "eligibility": (("16", "N382", 1),),
    "timely_filing": (("29", None, 1),),
    "modifier": (("4", "M20", 1),),
    "unsigned": (("16", "M127", 1),),
    # Denials no pre-submission fact explains: the mix payers send.
    "unexplained": (("50", "M25", 40), ("16", "N29", 22), ("11", "M76", 13), ("96", "N130", 11),
                    ("197", "M62", 8), ("4", "M20", 6)),
}

US_HOLIDAYS_RULES = ("new_year", "mlk", "memorial", "juneteenth", "independence", "labor", "thanksgiving",
                     "christmas")
