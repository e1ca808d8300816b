insert into raw.practice_payer_rules values (
    $payer_id, $timely_filing_days, $authorization_rule, $authorization_after_visits,
    $treatment_plan_review_days, $source_file, $file_sha256
)
