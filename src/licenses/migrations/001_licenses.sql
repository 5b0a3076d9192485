-- Electronic licenses (电子证照). One row per license; every version is immutable in
-- license_versions; every lifecycle change is an event. Sized for 20 million licenses.
create sequence license_serial_seq;

create table licenses (
  id bigint primary key,                 -- also the serial segment of the identifier
  type_key text not null,                -- 'business-license'
  type_code text not null,               -- GB/T 36904 license type code
  issuer_code text not null,             -- issuing department's credit code
  holder_code text not null,
  holder_code_type text not null,        -- 001 credit code, 111 citizen id
  holder_name text not null,
  current_version int not null,
  status text not null check (status in ('valid', 'suspended', 'revoked', 'cancelled', 'expired')),
  valid_from date not null,
  valid_until date,                      -- null = 长期 (no end)
  status_list int not null,              -- which status list carries this license
  status_idx int not null,               -- its index in that list
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (type_key, holder_code)         -- one license of a type per holder: import is idempotent on it
);
create index licenses_not_valid on licenses (status_list, status_idx) where status <> 'valid';
create index licenses_term_end on licenses (valid_until) where status in ('valid', 'suspended') and valid_until is not null;
create index licenses_issuer on licenses (issuer_code, id);

create table license_versions (
  license_id bigint not null references licenses (id),
  version int not null,
  identifier text not null unique,       -- GB/T 36904, one per version
  data jsonb not null,
  credential text not null,              -- the SD-JWT VC as signed
  kid text not null,
  change text not null check (change in ('issue', 'amend')),
  reason text,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (license_id, version)
);

create table license_events (
  id bigserial primary key,
  license_id bigint not null references licenses (id),
  version int not null,
  event text not null check (event in ('issued', 'amended', 'suspended', 'reinstated', 'revoked', 'cancelled', 'expired')),
  reason text,
  actor text,
  at timestamptz not null default now()
);
create index license_events_license on license_events (license_id, id);

-- A status list's revision moves in the same transaction as any change to a license on it,
-- so a cached list token is never served after the change committed.
create table status_lists (
  id int primary key,
  revision bigint not null default 0,
  updated_at timestamptz not null default now()
);
