-- Consumer departments' reports become *suspected* findings (issue 14, docs/quality.md): they count
-- in scores only once the issuer confirms them, or once departments independent of each other
-- report the same value; the issuer may dismiss a reporter's reports in one action. A finding
-- counts from `counted_from` (its detection for the rules' own findings; its confirmation for a
-- report's), never while suspected.
alter table quality_findings drop constraint quality_findings_status_check;
alter table quality_findings add constraint quality_findings_status_check
  check (status in ('suspected', 'open', 'resolved', 'explained', 'dismissed'));
-- The note of an explained finding is the reason of a dismissed one.
alter table quality_findings drop constraint quality_findings_check1;
alter table quality_findings add constraint quality_findings_noted_check check ((status in ('explained', 'dismissed')) = (noted_at is not null));
alter table quality_findings add column counted_from timestamptz;
update quality_findings set counted_from = detected_at;
drop index quality_findings_scores;
create index quality_findings_scores on quality_findings (department, license_type, counted_from);
-- A reporter's findings on an issuer's licenses (the issuer's dismissal, the office's oversight).
create index quality_findings_reporter on quality_findings (reported_by, department) where reported_by is not null;

alter table quality_reports add column dismissed_at timestamptz;
alter table quality_reports add column dismissed_by text;
-- A department's reports of the last hour (its rate limit) and per reporter (oversight).
create index quality_reports_department on quality_reports (department, at);
