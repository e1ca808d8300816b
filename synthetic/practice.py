"""The demo practice's static cast: the billing organisation, its payers and its clinicians."""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from connectors.npi import npi_check_digit
from synthetic import catalog
from synthetic.records import Clinician, Payer, Practice


def make_practice(tz: str) -> Practice:
    return Practice(
        name="Riverbend Counseling Group PLLC",
        npi="138947261" + npi_check_digit("138947261"),
        tax_id="741234567",
        taxonomy="261QM0801X",  # clinic/center: mental health
        address=("2100 Riverside Dr Ste 300", "Austin", "TX", "787414318"),
        contact_name="Dana Whitfield",
        contact_phone="5125550142",
        submitter_id="RCG741234567",
        timezone=tz,
    )


def make_payers(start: date, tz: ZoneInfo) -> list[Payer]:
    created = datetime(start.year, start.month, 1, 8, 0, tzinfo=tz)
    payers = []
    for profile in catalog.PAYERS:
        fee = {cpt: round(base * profile["allowed_factor"]) for cpt, base in catalog.BASE_ALLOWED_CENTS.items()}
        payers.append(Payer(
            payer_id=profile["payer_id"], name=profile["name"], payer_type=profile["payer_type"],
            address=profile["address"], fee_schedule=fee,
            lag_median_days=profile["lag"][0], lag_sigma=profile["lag"][1], payment_weekday=profile["weekday"],
            timely_filing_days=profile["filing"], auth_rule=profile["auth"][0], auth_after_visits=profile["auth"][1],
            cas_level=profile["cas"], denial_style=profile["denial_style"], denial_logit=profile["logit"],
            copay_cents=profile["copay"], deductible_cents=profile["deductible"], coinsurance=profile["coinsurance"],
            sequestration=profile["payer_type"] == "medicare", updated_at=created,
            plan_review_days=profile["plan_review"],
        ))
    payers.append(Payer(
        payer_id="SELF", name="Self-pay", payer_type="self_pay", address=("", "", "", ""), fee_schedule={},
        lag_median_days=0, lag_sigma=0, payment_weekday=0, timely_filing_days=0, auth_rule="none",
        auth_after_visits=0, cas_level="claim", denial_style="4", denial_logit=0, copay_cents=0,
        deductible_cents=0, coinsurance=0, sequestration=False, updated_at=created,
    ))
    return payers


def _beta(rng: random.Random, a: float, b: float) -> float:
    return rng.betavariate(a, b)


def make_clinicians(count: int, rng: random.Random, start: date) -> list[Clinician]:
    credentials = list(catalog.CREDENTIALS)
    weights = [catalog.CREDENTIALS[c][0] for c in credentials]
    used_npis: set[str] = set()
    clinicians = []
    for _ in range(count):
        credential = rng.choices(credentials, weights)[0]
        gender = "female" if rng.random() < 0.72 else "male"
        first = rng.choice(catalog.FIRST_NAMES_F if gender == "female" else catalog.FIRST_NAMES_M)
        while True:
            stem = "1" + f"{rng.randrange(10**8):08d}"
            npi = stem + npi_check_digit(stem)
            if npi not in used_npis:
                used_npis.add(npi)
                break
        full_time = rng.random() < 0.72
        quality = _beta(rng, 9, 1.6)  # most document well, a few are sloppy
        # Elements differ in how often they slip: time and necessity are the usual gaps.
        slip = {"time": 1.6, "risk": 0.8, "mental_status": 1.0, "intervention": 0.6, "response": 1.1,
                "plan": 0.7, "necessity": 1.9, "participants": 1.2}
        habit = {e: max(0.35, 1 - (1 - quality) * s * rng.uniform(0.6, 1.4)) for e, s in slip.items()}
        prescriber = credential in ("MD", "NP")
        clinicians.append(Clinician(
            npi=npi, first_name=first, last_name=rng.choice(catalog.LAST_NAMES), gender=gender,
            credential=credential, taxonomy=catalog.CREDENTIALS[credential][1],
            weekly_capacity=rng.randint(22, 28) if full_time else rng.randint(10, 16),
            telehealth_share=_beta(rng, 2, 3),
            doc_habit=habit,
            note_lag_median_hours=math.exp(rng.gauss(math.log(16), 0.9)),
            note_lag_sigma=rng.uniform(0.8, 1.4),
            effectiveness=max(0.3, rng.gauss(1.0, 0.3)),
            demand=math.exp(rng.gauss(0, 0.45)),
            sees_minors=(rng.random() < 0.45) and not prescriber,
            does_family=(credential == "LMFT") or rng.random() < 0.15,
            does_group=rng.random() < 0.15 and not prescriber,
            denial_logit=rng.gauss(0, 0.2),
            length_drift=1.0 if rng.random() < 0.12 else 0.0,
            modifier_miss=0.25 if rng.random() < 0.1 else 0.02,
            started_on=start,
            mbc_adherence=_beta(rng, 6, 1.8),
            note_style=rng.choices(("SOAP", "DAP", "BIRP", "narrative"), (35, 25, 15, 25))[0],
            terse_notes=rng.random() < 0.25,
        ))
    # Days after the last treatment-plan review a clinician reviews the plan again: most well inside a 90-day
    # rule, about one in five lax. Drawn after the cast, so the same seed still gives the same clinicians.
    for clinician in clinicians:
        clinician.plan_review_days = rng.randint(100, 170) if rng.random() < 0.2 else rng.randint(55, 85)
    return clinicians
