"""The data contracts: one expectation suite per raw table, written as rules.

A rule is one Great Expectations expectation plus the name and plain-words reason a quarantined
row carries. Rules on facts GX cannot compute (a timestamp that parses, an NPI check digit, a
balance) check a derived boolean column that `data_contracts.checks` fills. Every rule here
quarantines the rows that break it; cross-table references are reported by the warehouse's
tests instead, because a reference may arrive in a later delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from data_contracts import checks

Derive = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Rule:
    name: str
    column: str
    kind: str  # not_null, in_set, regex, between, derived
    reason: str
    params: dict = field(default_factory=dict)
    derive: Derive | None = None

    @property
    def checked_column(self) -> str:
        return f"_check_{self.name}_{self.column}" if self.kind == "derived" else self.column


def not_null(column: str) -> Rule:
    return Rule("missing_key" if column.endswith("_id") else "missing_value", column, "not_null",
                f"{column} is empty")


def in_set(column: str, values: tuple, *, allow_empty: bool = False) -> Rule:
    listed = ", ".join(str(v) for v in values)
    return Rule("unknown_code", column, "in_set", f"{column} is not one of: {listed}",
                {"value_set": list(values) + ([None] if allow_empty else []), "allow_empty": allow_empty})


def regex(column: str, pattern: str, what: str, name: str = "malformed_value") -> Rule:
    return Rule(name, column, "regex", f"{column} is not {what}", {"regex": pattern})


def derived(name: str, column: str, reason: str, fn: Derive) -> Rule:
    return Rule(name, column, "derived", reason, derive=fn)


def timestamp(column: str) -> Rule:
    return derived("unparseable_timestamp", column, f"{column} is not an ISO 8601 timestamp with a UTC offset",
                   lambda df: checks.timestamp_with_offset(df[column]))


def a_date(column: str) -> Rule:
    return derived("unparseable_date", column, f"{column} is not a date (YYYY-MM-DD)",
                   lambda df: checks.iso_date(df[column]))


def money(column: str) -> Rule:
    return regex(column, r"^-?\d+\.\d{2}$", "money with two decimals", "malformed_money")


def not_in_future(column: str) -> Rule:
    return derived("future_timestamp", column, f"{column} is later than the delivery that carries it",
                   lambda df: checks.not_after_delivery(df[column], df["_delivery"]))


def npi(column: str) -> Rule:
    return derived("invalid_npi", column, f"{column} is not a valid NPI (10 digits with a correct check digit)",
                   lambda df: checks.npi(df[column]))


def ordered(first: str, second: str) -> Rule:
    return derived("out_of_order", second, f"{second} is before {first}",
                   lambda df: checks.pairs_ordered(df[first], df[second]))


CPT_SHAPE = r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$"  # CPT (incl. Category II/III) or HCPCS Level II
ICD10_SHAPE = r"^[A-TV-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$"
CARC_SHAPE = r"^[A-Z]?\d{1,3}$|^[A-Z]\d$"
RARC_SHAPE = r"^[A-Z]{1,2}\d{1,3}$"
POS_SHAPE = r"^\d{2}$"

PM_SUITES: dict[str, list[Rule]] = {
    "pm_payers": [
        not_null("payer_id"), not_null("payer_name"),
        in_set("payer_type", ("commercial", "medicaid", "medicare", "eap", "self_pay")),
        timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"),
    ],
    "pm_coverages": [
        not_null("coverage_id"), not_null("patient_mrn"), not_null("payer_id"),
        a_date("start_date"), a_date("end_date"), timestamp("updated_at"), not_null("updated_at"),
        not_in_future("updated_at"),
    ],
    "pm_referrals": [
        not_null("referral_id"), timestamp("received_at"), not_null("received_at"),
        in_set("channel", ("phone", "web_form", "fax", "email")),
        in_set("source", ("self", "pcp", "hospital", "school", "eap", "other")),
        a_date("birth_date"),
        in_set("requested_service", ("individual", "family", "group", "psychiatry", "testing")),
        timestamp("first_contact_at"), timestamp("intake_sent_at"), timestamp("intake_completed_at"),
        ordered("received_at", "first_contact_at"),
        in_set("status", ("open", "converted", "waitlisted", "lost")),
        in_set("lost_reason", ("", "no_response", "no_availability", "out_of_network", "cost", "other")),
        timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"), not_in_future("received_at"),
    ],
    "pm_eligibility_checks": [
        not_null("check_id"), not_null("patient_mrn"), not_null("payer_id"), timestamp("checked_at"),
        not_null("checked_at"), in_set("result", ("active", "inactive", "error")),
        regex("copay", r"^(?:-?\d+\.\d{2})?$", "money with two decimals", "malformed_money"),
        regex("deductible_remaining", r"^(?:-?\d+\.\d{2})?$", "money with two decimals", "malformed_money"),
        in_set("auth_required", ("true", "false", "")),
        timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"),
    ],
    "pm_authorizations": [
        not_null("auth_id"), not_null("patient_mrn"), not_null("payer_id"), timestamp("requested_at"),
        timestamp("decided_at"), in_set("status", ("pending", "approved", "denied")),
        regex("approved_visits", r"^\d*$", "a whole number"), a_date("start_date"), a_date("end_date"),
        timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"),
    ],
    "pm_appointments": [
        not_null("appointment_id"), not_null("patient_mrn"), not_null("clinician_npi"), npi("clinician_npi"),
        timestamp("booked_at"), timestamp("scheduled_start"), not_null("scheduled_start"),
        regex("scheduled_minutes", r"^\d+$", "a whole number of minutes"),
        regex("cpt_code", CPT_SHAPE, "a CPT or HCPCS code", "unknown_code"),
        in_set("modality", ("office", "telehealth")),
        in_set("status", ("scheduled", "completed", "no_show", "cancelled", "late_cancelled")),
        timestamp("status_at"), timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"),
    ],
    "pm_patient_payments": [
        not_null("payment_id"), not_null("patient_mrn"), timestamp("received_at"), not_null("received_at"),
        money("amount"), in_set("method", ("card", "cash", "check", "ach")),
        timestamp("updated_at"), not_null("updated_at"), not_in_future("updated_at"),
        not_in_future("received_at"),
    ],
}

HELD_ENCOUNTER = ("arrived", "triaged", "in-progress", "onleave", "finished")

FHIR_SUITES: dict[str, list[Rule]] = {
    "fhir_patients": [not_null("resource_id"), not_null("mrn"),
                      in_set("gender", ("male", "female", "other", "unknown"), allow_empty=True),
                      not_in_future("birth_date")],
    "fhir_practitioners": [not_null("resource_id"), not_null("npi"), npi("npi")],
    "fhir_encounters": [
        not_null("resource_id"), not_null("period_start"),
        in_set("status", ("planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled",
                          "entered-in-error", "unknown")),
        regex("cpt_code", CPT_SHAPE, "a CPT or HCPCS code", "unknown_code"),
        derived("out_of_order", "period_end", "period.end is before period.start",
                lambda df: ~(df["period_end"] < df["period_start"]).fillna(False)),
        # A planned or cancelled encounter may lie ahead; one that took place may not.
        derived("future_timestamp", "period_start",
                "period.start of an encounter that took place is later than the delivery that carries it",
                lambda df: checks.not_after_delivery(df["period_start"], df["_delivery"])
                | ~df["status"].isin(HELD_ENCOUNTER)),
    ],
    "fhir_conditions": [not_null("resource_id"),
                        regex("icd10_code", ICD10_SHAPE, "an ICD-10-CM code", "unknown_code"),
                        not_in_future("recorded_at")],
    "fhir_observations": [
        not_null("resource_id"), not_null("effective_at"), not_in_future("effective_at"),
        derived("out_of_range", "value", "a PHQ-9 total is 0-27 and a GAD-7 total 0-21",
                lambda df: ~(((df["loinc_code"] == "44261-6") & ~df["value"].between(0, 27))
                                  | ((df["loinc_code"] == "70274-6") & ~df["value"].between(0, 21))).fillna(False)),
    ],
    "fhir_document_references": [
        not_null("resource_id"),
        derived("missing_value", "signed_at", "a final note has no signature date",
                lambda df: ~((df["doc_status"] == "final") & df["signed_at"].isna())),
        not_in_future("signed_at"),
    ],
}


def _balanced(df: pd.DataFrame, total: str, parts: str) -> pd.Series:
    return (df[total].astype(float).round(2) - df[parts].astype(float).round(2)).abs() < 0.005


X12_SUITES: dict[str, list[Rule]] = {
    "x12_claims": [
        not_null("claim_id"), in_set("frequency_code", ("1", "7", "8")),
        regex("place_of_service", POS_SHAPE, "a two-digit place of service code", "unknown_code"),
        npi("rendering_npi"), npi("billing_npi"),
        derived("unbalanced_claim", "total_charge",
                "CLM02 (the claim's total charge) is not the sum of its service lines' charges (SV102)",
                lambda df: _balanced(df, "total_charge", "_line_charges")),
        derived("future_date", "submitted_at_local",
                "a service line's date of service (DTP*472) is after the day the claim was created (BHT04): a "
                "claim cannot bill a service that has not happened yet",
                lambda df: ~(df["_last_service_date"] > pd.to_datetime(df["submitted_at_local"]).dt.normalize())
                .fillna(False)),
    ],
    "x12_claim_lines": [regex("procedure_code", CPT_SHAPE, "a CPT or HCPCS code", "unknown_code"),
                        regex("place_of_service", POS_SHAPE, "a two-digit place of service code", "unknown_code"),
                        not_null("service_date")],
    "x12_remittances": [
        not_null("payment_date"),
        derived("unbalanced_835", "payment_amount",
                "BPR02 (the payment) is not the sum of the claim payments' CLP04 minus the PLB adjustments: the "
                "remittance does not balance",
                lambda df: _balanced(df, "payment_amount", "_expected_payment") | df["_expected_payment"].isna()),
    ],
    "x12_claim_payments": [
        not_null("claim_id"),
        in_set("status_code", ("1", "2", "3", "4", "19", "20", "21", "22", "23", "25")),
        derived("unbalanced_claim_payment", "paid",
                "CLP03 (charge) minus CLP04 (paid) is not the sum of the claim's CAS adjustments (claim and "
                "service level): the claim payment does not balance",
                lambda df: _balanced(df, "_charge_minus_paid", "_adjustments")),
    ],
    "x12_service_payments": [regex("procedure_code", CPT_SHAPE, "a CPT or HCPCS code", "unknown_code"),
                             not_null("charge"), not_null("paid")],
    "x12_provider_adjustments": [regex("reason_code", r"^[A-Z0-9]{2}$", "a provider adjustment reason code",
                                       "unknown_code"), not_null("amount")],
    "x12_adjustments": [in_set("group_code", ("CO", "PR", "OA", "PI", "CR")),
                        regex("reason_code", CARC_SHAPE, "a claim adjustment reason code", "unknown_code")],
    "x12_remarks": [regex("remark_code", RARC_SHAPE, "a remittance advice remark code", "unknown_code")],
    "x12_claim_acks": [not_null("claim_id"),
                       regex("status_category", r"^(?:A[0-8]|D0|E[0-4]|F[0-4]|P[0-5]|R[0-9]|R1[0-6])$",
                             "a claim status category code", "unknown_code")],
}

SUITES: dict[str, list[Rule]] = {**PM_SUITES, **FHIR_SUITES, **X12_SUITES}
