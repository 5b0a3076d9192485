-- People: staff accounts of a department (one role each), and the signed-in sessions of the
-- console — staff and license holders alike. See docs/people.md.
create table people (
  id text primary key,
  username text not null unique,            -- lower case; never an 18-character holder code
  name text not null,
  department_code text not null,            -- a department of the registry (departments capability)
  role text not null check (role in ('issuer', 'consumer', 'coordinator')),
  password_hash text not null,              -- scrypt (src/platform/auth/secrets.ts); the password is never stored
  created_by text not null,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz,
  last_sign_in_at timestamptz,
  disabled_at timestamptz,
  disabled_by text
);
create index people_department on people (department_code, username);

-- A browser's session. The cookie carries a random id; only its SHA-256 is kept, so a copy of this
-- table signs no one in. The CSRF token is derived from the id (never stored either).
create table people_sessions (
  id_hash text primary key,                 -- base64url SHA-256 of the id in the cookie
  person_id text references people (id) on delete cascade,
  holder_code text,                         -- or a license holder (an enterprise) …
  holder_account text,                      -- … signed in with its holder account
  method text not null check (method in ('password', 'oidc')),
  address text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,          -- the absolute end; the idle end is last_seen_at + the idle timeout
  check ((person_id is null) <> (holder_code is null))
);
create index people_sessions_person on people_sessions (person_id) where person_id is not null;
create index people_sessions_expiry on people_sessions (expires_at);

-- An OpenID Connect sign-in under way: what the callback must find again (state, nonce, PKCE
-- verifier) for the browser that started it (a cookie carries the random id; its hash is kept).
create table people_oidc_flows (
  id_hash text primary key,
  state text not null,
  nonce text not null,
  code_verifier text not null,
  return_to text not null,
  expires_at timestamptz not null
);
create index people_oidc_flows_expiry on people_oidc_flows (expires_at);
