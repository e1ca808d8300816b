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
}
