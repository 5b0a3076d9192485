-- Sharing agreements (共享申请 / 共享协议): a consumer department's request for a catalog
-- resource, for one purpose, the owner's decision, and its life until it expires or is revoked.
create table agreements (
  id text primary key,
  resource_id text not null references catalog_resources (id),
  resource_title text not null,             -- as it was when requested, for notices
  license_type text,                        -- of the resource, so the exchange finds a grant with one index
  owner_department text not null,
  consumer_department text not null,
  requested_by text not null,               -- client id of the consumer's system
  purpose text not null,                    -- a code of GET /api/v1/purposes
  purpose_description text not null,
  legal_basis text not null,
  requested_fields text[] not null,
  granted_fields text[],                    -- set on approval: a subset of requested_fields
  expected_daily_volume int not null,
  valid_until date not null,
  sharing_class text not null,              -- of the resource, when requested
  status text not null check (status in ('submitted', 'approved', 'rejected', 'escalated', 'active', 'expired', 'revoked', 'suspended')),
  submitted_at timestamptz not null,
  due_date date,                            -- last working day to answer (null: granted at once)
  due_at timestamptz,                       -- overdue from this moment
  escalated_at timestamptz,
  decision text check (decision in ('approve', 'reject')),
  decided_at timestamptz,
  decided_by text,
  decision_reason text,
  appeal_status text check (appeal_status in ('pending', 'upheld', 'overturned')),
  appeal_reason text,
  appealed_at timestamptz,
  appeal_decided_at timestamptz,
  appeal_decided_by text,
  appeal_decision_reason text,
  status_reason text,                       -- of the last revocation, suspension or reinstatement
  updated_at timestamptz not null default now()
);
-- The exchange asks on every lookup: one index probe.
create index agreements_active_grant on agreements (consumer_department, license_type, purpose, valid_until) where status = 'active';
create index agreements_active_resource on agreements (consumer_department, resource_id) where status = 'active';
create index agreements_consumer on agreements (consumer_department, submitted_at desc);
create index agreements_owner on agreements (owner_department, submitted_at desc);
create index agreements_due on agreements (due_at) where status = 'submitted';
create index agreements_term on agreements (valid_until) where status in ('active', 'suspended');
-- One open request per consumer, resource and purpose.
create unique index agreements_one_open on agreements (consumer_department, resource_id, purpose) where status in ('submitted', 'escalated');

create table agreement_history (
  id bigserial primary key,
  agreement_id text not null references agreements (id),
  event text not null,                      -- submitted, approved, activated, rejected, escalated, appealed, …
  status text not null,                     -- the status after it
  actor text not null,
  actor_department text,
  reason text,
  data jsonb,
  at timestamptz not null
);
create index agreement_history_agreement on agreement_history (agreement_id, id);

create table agreement_comments (
  id text primary key,
  agreement_id text not null references agreements (id),
  author text not null,                     -- client id
  author_department text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index agreement_comments_agreement on agreement_comments (agreement_id, created_at);
