-- One case type of the event log as a log of its own: the analyses key cases by case_id alone, and a
-- referral id may equal an appointment id in a practice's systems, so case types are never mixed.
create or replace view $view as
select *
from $event_log
where case_type = '$case_type'
