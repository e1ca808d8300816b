-- The leadership question: adolescent anxiety, per clinician (marts.leadership_adolescent_anxiety), most
-- patients first; suppressed cells last.
select *
from marts.leadership_adolescent_anxiety
order by is_suppressed, patients_seen desc nulls last, clinician_name
