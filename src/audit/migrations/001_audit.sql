-- The audit log: an RFC 9162 Merkle tree over every access and change. See docs/audit.md.

-- Entries written in the transaction of the change or access they record (so an entry exists
-- iff that change committed), waiting for the sequencer to give them their place in the tree.
create table audit_queue (
  id bigserial primary key,
  entry text not null,                 -- RFC 8785 canonical JSON of the entry
  leaf_hash bytea not null,            -- SHA-256(0x00 || entry)
  type text not null,
  at timestamptz not null,
  department text,
  client_id text,
  purpose text,
  outcome text,
  holder_code text,
  agreement_id text,                   -- these three for the daily volume check only
  license_type text,
  expected_volume integer
)
-- Rows live for a fraction of a second: vacuum often, so the sequencer's scans skip few dead rows.
with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, autovacuum_vacuum_cost_delay = 0);

-- The log: entry i is leaf i. Rows are appended in leaf order and never updated. The columns
-- after `entry` are derived from it (audit verify rechecks them) and only serve queries.
create table audit_entries (
  leaf_index bigint primary key,
  entry text not null,
  type text not null,
  at timestamptz not null,
  department text,
  client_id text,
  purpose text,
  outcome text,
  holder_code text
);
create index audit_entries_holder on audit_entries (holder_code, leaf_index) where holder_code is not null;
create index audit_entries_department on audit_entries (department, leaf_index) where department is not null;
create index audit_entries_purpose on audit_entries (purpose, leaf_index) where purpose is not null;
create index audit_entries_at on audit_entries using brin (at);

-- Roots of complete perfect subtrees at even levels: (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Level 0 holds the leaf hashes. Written once, never changed.
create table audit_nodes (
  level smallint not null,
  idx bigint not null,
  hash bytea not null,
  primary key (level, idx)
);

-- Signed tree heads, after every sequenced batch and at least every few minutes.
create table audit_tree_heads (
  tree_size bigint not null,
  signed_at bigint not null,           -- milliseconds since the epoch, as signed
  root_hash bytea not null,
  kid text not null,
  signature text not null,             -- compact JWS whose payload is RFC 8785 {rootHash, timestamp, treeSize}
  primary key (tree_size, signed_at)
);

create table audit_state (
  singleton boolean primary key default true check (singleton),
  tree_size bigint not null
);
insert into audit_state (tree_size) values (0);

-- Oversight: accesses per consumer system and agreement per day (China time), counted by the sequencer.
create table audit_access_daily (
  department text not null,
  client_id text not null,
  agreement_id text not null,          -- '' when the access named no agreement
  day date not null,
  total integer not null,
  allowed integer not null,
  expected_volume integer,
  baseline double precision not null,  -- mean daily total of the 7 days before, fixed at the day's first access
  primary key (department, client_id, agreement_id, day)
);

create table audit_alerts (
  id bigserial primary key,
  kind text not null,                  -- 'volume-exceeded' | 'unusual-volume'
  day date not null,
  department text not null,
  client_id text not null,
  agreement_id text not null,
  count integer not null,
  threshold double precision not null,
  detail jsonb not null,
  created_at timestamptz not null default now(),
  unique (kind, day, department, client_id, agreement_id)
);
