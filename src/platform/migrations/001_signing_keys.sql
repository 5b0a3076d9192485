-- Signing keys of the platform: license issuers' keys, the access-token key, later the log key.
-- The private half is sealed with the master key (AES-256-GCM), which is never stored here.
create table signing_keys (
  kid text primary key,
  purpose text not null,            -- 'license' | 'status' | 'token' | 'audit'
  owner text,                       -- department code for license keys
  alg text not null,                -- 'EdDSA' | 'SM2'
  public_jwk jsonb not null,
  private_key_enc text not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
-- At most one active key per purpose and owner; racing creators lose on this index.
create unique index signing_keys_active on signing_keys (purpose, coalesce(owner, '')) where retired_at is null;
