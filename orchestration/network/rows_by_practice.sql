-- Each practice's claims, sessions and referrals in the network's marts: the build's summary, a line per practice.
with

practices as (
    select practice_id from {claims}
    union
    select practice_id from {sessions}
    union
    select practice_id from {referrals}
),

claims as (select practice_id, count(*) as n from {claims} group by practice_id),
sessions as (select practice_id, count(*) as n from {sessions} group by practice_id),
referrals as (select practice_id, count(*) as n from {referrals} group by practice_id)

select
    practices.practice_id,
    coalesce(claims.n, 0) as claims,
    coalesce(sessions.n, 0) as sessions,
    coalesce(referrals.n, 0) as referrals
from practices
left join claims on practices.practice_id = claims.practice_id
left join sessions on practices.practice_id = sessions.practice_id
left join referrals on practices.practice_id = referrals.practice_id
order by practices.practice_id
