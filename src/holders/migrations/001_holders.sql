-- License holders (持证主体: enterprises) sign in with a local account (a stand-in until the
-- console issue adds real login) and authorise third parties to read their licenses (授权).
create table holder_accounts (
  id text primary key,
  holder_code text not null unique,         -- unified social credit code (or citizen id)
  password_hash text not null,              -- scrypt; the password is never stored
  created_by text not null,                 -- the client that opened the account
  created_at timestamptz not null default now(),
  password_changed_at timestamptz,
  last_login_at timestamptz,
  disabled_at timestamptz
);

create table holder_authorisations (
  id text primary key,
  holder_code text not null,
  license_type text not null,
  grantee_department text,                  -- every system of this department, or
  grantee_client text,                      -- this one system
  purpose text not null,                    -- a code of GET /api/v1/purposes
  fields text[] not null,                   -- the business fields the grantee may receive
  valid_until timestamptz not null,
  created_by text not null,                 -- the holder account
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text,
  check ((grantee_department is null) <> (grantee_client is null))
);
create index holder_authorisations_holder on holder_authorisations (holder_code, created_at);
-- What the exchange asks: this holder, this type, this purpose, still active.
create index holder_authorisations_active on holder_authorisations (holder_code, license_type, purpose) where revoked_at is null;
