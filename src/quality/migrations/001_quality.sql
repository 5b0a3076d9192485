-- Data quality (数据质量) of licenses. See docs/quality.md. Rules are data (one file per license
-- type beside its standard); these tables hold what the rules found, per license version and rule.

-- What the rules found. A finding is opened on the version where a rule first failed and stays open
-- until a later version passes that rule (then resolved, with that version); a uniqueness or
-- consistency finding may instead be explained by the issuer with a note. Rows are never removed.
create table quality_findings (
  id bigserial primary key,
  license_id bigint not null,
  version int not null,                   -- the version on which the rule failed
  identifier text not null,               -- that version's identifier (GB/T 36904)
  license_type text not null,
  department text not null,               -- the issuing department's code
  holder_code text not null,
  rule_id text not null,
  dimension text not null check (dimension in ('completeness', 'validity', 'consistency', 'timeliness', 'uniqueness')),
  severity text not null check (severity in ('error', 'warning')),
  fields text[] not null,
  message_zh text not null,
  message_en text not null,
  report_id bigint,                       -- consistency: the report that found it
  reported_by text,                       -- consistency: the reporting department's code
  status text not null default 'open' check (status in ('open', 'resolved', 'explained')),
  detected_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_version int,
  note text,
  noted_by text,
  noted_at timestamptz,
  check ((status = 'resolved') = (resolved_at is not null)),
  check ((status = 'explained') = (noted_at is not null))
);
-- One finding per license, rule (and report) that is not resolved: a pass run twice finds it once.
create unique index quality_findings_unresolved on quality_findings (license_id, rule_id, coalesce(report_id, 0)) where status <> 'resolved';
create index quality_findings_department on quality_findings (department, id);
create index quality_findings_scores on quality_findings (department, license_type, detected_at);

-- The licenses the rules have checked (the scores' denominator) and the keys the uniqueness rules
-- group by, kept here so that uniqueness is one grouping over this table, not a scan of the data.
create table quality_checked (
  license_id bigint primary key,
  version int not null,
  license_type text not null,
  department text not null,
  holder_code text not null,
  is_current boolean not null,            -- valid or suspended: the ones uniqueness is about
  holder_key text,                        -- the entity behind the holder code (for a credit code, its 主体标识码)
  identity_key text,                      -- the normalised name and domicile
  first_checked_at timestamptz not null default now()
);
create index quality_checked_department on quality_checked (department, license_type, first_checked_at);
create index quality_checked_holder_key on quality_checked (license_type, holder_key) where is_current;
create index quality_checked_identity_key on quality_checked (license_type, identity_key) where is_current;

-- What consumer departments reported they hold for a holder (consistency across departments).
create table quality_reports (
  id bigserial primary key,
  license_type text not null,
  holder_code text not null,
  license_id bigint not null,
  version int not null,
  department text not null,               -- the reporting department
  reported_by text not null,              -- the system or person (actor)
  fields jsonb not null,                  -- the reported values (never shown to anyone but the issuer's rules)
  matched text[] not null,
  mismatched text[] not null,
  at timestamptz not null default now()
);

-- The follower's place in the audit log (license changes), moved in the transaction of its findings.
create table quality_cursor (
  singleton boolean primary key default true check (singleton),
  last_index bigint not null,
  updated_at timestamptz not null default now()
);
insert into quality_cursor (last_index) values (-1);

-- Full passes (certbridge quality run, and the server's daily one).
create table quality_runs (
  id bigserial primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  licenses bigint not null,
  opened bigint not null,
  resolved bigint not null,
  run_by text not null
);
