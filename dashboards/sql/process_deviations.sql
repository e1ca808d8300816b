-- One case type's deviations (parameter: case_type) from marts.mining_deviations: from the reference model's
-- alignments (skipped or unexpected activities) and from the payer rules, with their cases and share and, for
-- claims, the first-pass denial rate with and without them; most cases first.
select source, deviation, activity, cases, share, occurrences, denial_rate_with, denial_rate_without
from marts.mining_deviations
where case_type = $1
order by cases desc, deviation
