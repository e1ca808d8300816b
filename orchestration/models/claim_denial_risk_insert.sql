-- The scored rows (registered as denial_risk_rows) into marts.claim_denial_risk, columns matched by name.
insert into marts.claim_denial_risk by name
select * from denial_risk_rows
