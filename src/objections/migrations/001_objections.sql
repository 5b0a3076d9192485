-- Objections (数据异议): a consumer department or the holder disputes fields of a license; the
-- issuer answers within a number of working days; the objector may escalate a rejection once to
-- the coordination office, whose decision is final; unanswered ones escalate by themselves.
-- See docs/objections.md.
create table objections (
  id text primary key,
  license_identifier text not null,          -- the version objected to
  license_version int not null,
  type_key text not null,                    -- the license, with the holder (one per type and holder:
  holder_code text not null,                 -- stable across its versions)
  issuer_code text not null,                 -- the department that answers
  objector_kind text not null check (objector_kind in ('department', 'holder')),
  objector_department text,                  -- a consumer department (objector_kind = 'department')
  objector_holder text,                      -- the holder itself (objector_kind = 'holder')
  objected_by text not null,                 -- the actor (client id, person:…, holder:…)
  fields text[] not null,
  reason text not null,
  evidence_text text,
  proposed jsonb,                            -- {field: value} the objector proposes
  status text not null check (status in ('submitted', 'accepted', 'rejected', 'escalated')),
  final boolean not null default false,
  submitted_at timestamptz not null,
  due_date date not null,                    -- last working day to answer (China)
  due_at timestamptz not null,               -- overdue from this moment
  answered_at timestamptz,                   -- the issuer's answer (accept or reject)
  answered_by text,
  decision text check (decision in ('accept', 'reject')),
  decision_reason text,
  decided_at timestamptz,                    -- the last decision (the issuer's, or the coordination office's)
  decided_by text,
  escalated_at timestamptz,
  escalation_kind text check (escalation_kind in ('objector', 'overdue')),
  escalation_reason text,
  amended_identifier text,                   -- the new version an accepted objection made
  amended_version int,
  updated_at timestamptz not null,
  check ((objector_kind = 'department') = (objector_department is not null)),
  check ((objector_kind = 'holder') = (objector_holder is not null))
);
create index objections_issuer on objections (issuer_code, due_at);
create index objections_objector on objections (objector_department, submitted_at desc) where objector_department is not null;
create index objections_holder on objections (objector_holder, submitted_at desc) where objector_holder is not null;
create index objections_license on objections (type_key, holder_code);
create index objections_due on objections (due_at) where status = 'submitted';
create index objections_open on objections (status) where status in ('submitted', 'escalated');

-- Evidence files (≤ 5 MiB each), kept with their SHA-256.
create table objection_evidence (
  objection_id text not null references objections (id),
  n int not null,
  name text not null,
  content_type text not null,
  size int not null,
  sha256 text not null,                      -- hex
  content bytea not null,
  added_by text not null,
  added_at timestamptz not null,
  primary key (objection_id, n)
);

-- Every step, oldest first.
create table objection_history (
  id bigserial primary key,
  objection_id text not null references objections (id),
  event text not null,                       -- submitted, evidence-added, accepted, rejected, escalated, overdue
  status text not null,
  actor text not null,
  reason text,
  data jsonb,
  at timestamptz not null
);
create index objection_history_objection on objection_history (objection_id, id);
