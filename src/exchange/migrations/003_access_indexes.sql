-- Access records are written thousands of times a second and read rarely: keep their write cost
-- low. Per-holder and per-department questions ("who accessed my data", oversight) are answered
-- by the audit log, which indexes the same facts (audit_entries); here a BRIN index on time serves
-- the occasional operational query by period.
drop index if exists exchange_access_holders;
drop index if exists exchange_access_department;
create index exchange_access_at on exchange_access using brin (at);
