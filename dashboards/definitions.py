"""What each number on the pages means, quoted from the measures' definitions (kpis.md), for the tooltips:
every number links to its definition."""

DEFINITIONS = {
    "initial_denial_rate": "Initial denial rate: denied on first pass / claims adjudicated, by month of original "
                           "submission. Benchmark: about 6% in primary care; behavioral health runs near 20%.",
    "first_pass_resolution_rate": "Clean-claim (first-pass resolution) rate: claims whose first adjudication is not "
                                  "a denial and that were never resubmitted / claims adjudicated. Benchmark: 95% or "
                                  "more.",
    "net_collection_rate": "Net collection rate: (payer paid + patient paid) / allowed, over claims with a date of "
                           "service in the month at least 120 days before the as-of date. Benchmark: 95% or more.",
    "days_in_ar": "Days in A/R on day D: A/R balance on D / (charges of claims originally submitted on D or the 89 "
                  "days before it / 90). Benchmark: 35 days or fewer.",
    "ar_balance": "A/R balance on day D: over claims submitted on or before D, charge - payer paid - all CO, OA, PI "
                  "adjustments - patient paid, each counted only if dated on or before D.",
    "ar_over_90_share": "A/R over 90 share: A/R balance of claims with a date of service more than 90 days before D / "
                        "A/R balance on D.",
    "resubmission_recovery_rate": "Resubmission recovery rate: claims denied on first pass, resubmitted, and with "
                                  "payer paid > 0 at the end / claims denied on first pass and resubmitted.",
    "claim_lag": "Claim lag: days from date of service to original submission (median).",
    "days_to_payment": "Days to payment: days from original submission to the BPR16 of the first adjudication with "
                       "CLP04 > 0 (median).",
    "unrecovered_denials": "Unrecovered denials: over finally denied claims, the sum of their expected allowed; per "
                           "clinician per year, the seed's revenue loss per provider.",
    "denial_rate_by_reason": "Denial rate by reason: first-pass denials grouped by denial reason / claims "
                             "adjudicated.",
    "gad7_reliable_improvement_rate": "GAD-7 reliable improvement: baseline - latest >= 4, among measurable "
                                      "patients (a baseline from 14 days before to 30 days after the first completed "
                                      "session, and a latest score at least 28 days after it).",
    "gad7_share_measurable": "Share measurable: patients with both a baseline and a latest GAD-7 score / patients "
                             "seen.",
    "suppressed": "Any group of fewer than 11 patients is shown as suppressed, never as a number (the CMS cell-size "
                  "rule).",
    "wait_for_first_session": "Wait for first session: days from a referral's received_at to the scheduled start of "
                              "the first completed appointment carrying its referral_id (median).",
    "note_completeness": "Note completeness: the share of the clinician's notes (for these patients) that pass the "
                         "documentation rulebook.",
    "cash_forecast": "Cash: each 835's BPR02 on its BPR16 date plus patient payments on their received date, by "
                     "Monday week. The forecast's intervals cover 80% and 95% of outcomes by the backtest.",
    "wape": "WAPE: sum |actual - forecast| / sum |actual| over the backtest's weeks; 95% accuracy is a WAPE of 5%.",
    "expected_loss": "Expected loss: the claim's denial probability x its expected allowed.",

    "referral_funnel": "Referral funnel: of the referrals received in the months, those first contacted "
                       "(first_contact_at), with intake completed (intake_completed_at) and with a first session "
                       "(a completed appointment carrying the referral_id).",
    "referral_conversion_rate": "Referral conversion rate: referrals with status converted / referrals with status "
                                "converted or lost, by month received (open and waitlisted referrals are left out).",
    "time_to_first_contact": "Time to first contact: hours from received_at to first_contact_at, median and p90 "
                             "(linear interpolation), over the referrals received in the months that were "
                             "contacted.",
    "wait_for_first_session_p90": "Wait for first session, p90: the 90th percentile of the days from a referral's "
                                  "received_at to the scheduled_start of the first completed appointment carrying "
                                  "its referral_id, by month received.",
    "no_show_rate": "No-show rate: no_show / (completed + no_show + late_cancelled), by month of scheduled_start; "
                    "cancellations in time and appointments still scheduled are left out.",
    "reliable_improvement_rate": "Reliable improvement: baseline - latest >= 6 (PHQ-9) or >= 4 (GAD-7), among "
                                 "measurable patients (a baseline from 14 days before to 30 days after the first "
                                 "completed session, and a latest score at least 28 days after the baseline).",
    "response_rate": "Response: latest <= 0.5 x baseline, among measurable patients with a baseline of 10 or more.",
    "remission_rate": "Remission: latest < 5, among measurable patients with a baseline of 10 or more.",
    "share_measurable": "Share measurable: patients with both a baseline and a latest score / patients seen (patients "
                        "with a completed session; a patient belongs to the clinician of their first one).",
    "diagnosis_group": "Diagnosis group: the ICD-10 group (seeds.icd10_groups) of any condition recorded for the "
                       "patient, so a patient with conditions in two groups counts in both.",
    "age_group": "Age group: the patient's age in whole years at their first completed session; 13-17 is kpis.md's "
                 "adolescent.",
    "cost_denied_dollars": "Unrecovered denials of the last 12 months: the expected allowed (median allowed of paid "
                           "claims of the same CPT code, payer and year) of the claims written off as finally "
                           "denied in the 12 months to the as-of date (last adjudication + 120 days).",
    "cost_rework": "Rework labour: claims resubmitted (a corrected claim or appeal, frequency 7) in the 12 months to "
                   "the as-of date x minutes per rework / 60 x the hourly staff cost.",
    "cost_excess_ar": "Cash tied up above the target: (days in A/R - target days) x the average day's charges (the "
                      "last 90 days' charges / 90); nothing when days in A/R are at or under the target.",
    "cost_carrying": "Carrying cost of the excess A/R: the cash tied up above the target x the annual rate (what "
                     "that cash would earn, or the credit line it makes the practice draw, a year).",
    "cost_total": "Annual cost of inaction: unrecovered denials + rework labour + carrying cost of the excess A/R.",

    "unsigned_notes": "Unsigned notes: the clinician's completed sessions (fct_sessions.is_completed) whose Encounter "
                      "has no final (signed) progress note (has_final_note is false), held by the as-of date.",
    "unsigned_note_age": "Age: from the session's end (the Encounter's period.end, which note lag counts from) to "
                         "the end of the as-of date (23:59:59 practice time).",
    "unsigned_over_72_hours": "Over 72 hours: unsigned notes whose session ended more than 72 hours before the end "
                              "of the as-of date (kpis.md's note lag reports the share signed within 72 h).",
    "documentation_rulebook": "Documentation rulebook (kpis.md): a note passes when every element its CPT code "
                              "requires is present; the session length is reported on its own.",

    "process_map": "Process map: one box per activity with its events; one arrow per directly-follows pair (the "
                   "next event of the same case), labelled with how often it occurs (frequency) or the median "
                   "time from the one event to the next (performance). Filters keep or drop whole cases.",
    "process_cases": "Cases: claims (one per appointment, from session held to claim closed or written off) or "
                     "patient journeys (one per referral, from referral received to first session held or "
                     "referral lost) that the filters keep; a case's start is its first event.",
    "process_variant": "Variant: the cases that go through exactly the same activities in the same order. Money "
                       "per variant: charged, payer paid, patient paid and written off, summed over its cases.",
    "process_fitting_cases": "Fitting cases: the share of cases whose alignment against the intended process "
                             "(mining/reference_model.py) has no deviation. Log fitness: 1 - the alignments' cost "
                             "over the worst possible cost.",
    "process_deviation": "Deviation: 'skipped X' is a step of the intended process that did not happen; "
                         "'unexpected X' an activity the intended process does not have there; payer rules come "
                         "from the practice's configuration. Denial rates: first-pass denials among the claims "
                         "with and without the deviation.",
    "process_bottleneck": "Bottleneck: the total waiting time on an edge (from one event to the next of its case), "
                          "summed over all its occurrences, and its share of all waiting time: what a wait costs in "
                          "all, not per case.",
    "process_throughput": "Throughput: from a case's first event to its last.",
}
