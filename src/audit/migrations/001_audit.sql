-- The audit log: an RFC 9162 Merkle tree over every access and change. See docs/audit.md.

-- Entries, written once, in the transaction of the change or access they record (so an entry
-- exists iff that change committed). `id` is the order of writing, not the place in the tree:
-- that is given by audit_leaves. The columns after `entry` are derived from it (audit verify
-- rechecks them) and only serve queries.
create table audit_entries (
  id bigserial primary key,
  entry text not null,                 -- RFC 8785 canonical JSON of the entry
  type text not null,
  at timestamptz not null,
  department text,
  client_id text,
  purpose text,
  outcome text,
  holder_code text,
  agreement_id text,
  license_type text
);
-- Every index costs each exchange access a little: the holder's (who used my data) and the
-- department's (oversight) are worth it; purpose, type and outcome filter along these or by time.
create index audit_entries_holder on audit_entries (holder_code, id) where holder_code is not null;
create index audit_entries_department on audit_entries (department, id) where department is not null;
create index audit_entries_at on audit_entries using brin (at);

-- What the listener runs in the transaction of every change and access: the entries of one
-- publish, a line each (columns separated by U+001F, the canonical entry last; see append.ts).
-- A function, so that PostgreSQL plans the statement once per connection, not once per call.
create function audit_append(lines text) returns void language plpgsql as $$
begin
  with written as (
    insert into audit_entries (type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, entry)
    select f[1], f[2]::timestamptz, nullif(f[3], ''), nullif(f[4], ''), nullif(f[5], ''), nullif(f[6], ''), nullif(f[7], ''),
           nullif(f[8], ''), nullif(f[9], ''), f[10]
      from unnest(string_to_array(lines, chr(10))) as line, string_to_array(line, chr(31)) as f
    returning id
  )
  insert into audit_pending (id) select id from written;
end
$$;

-- Entries committed but not yet in the tree. Rows live for a fraction of a second: vacuum
-- often, so the sequencer's scans skip few dead rows.
create table audit_pending (
  id bigint primary key                -- audit_entries.id
) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, autovacuum_vacuum_cost_delay = 0);

-- The leaves of the tree: leaf i is entry entry_id, whose hash is SHA-256(0x00 || entry).
-- Appended in leaf order by the sequencer, never changed.
create table audit_leaves (
  leaf_index bigint primary key,
  entry_id bigint not null unique,
  hash bytea not null
);

-- Roots of complete perfect subtrees at even levels ≥ 2: (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Level 0 is audit_leaves. Written once, never changed.
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
