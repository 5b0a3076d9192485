-- The exchange (共享交换): access records and quota counters. (Until the deliveries capability
-- had a folder of its own, this migration also created its tables; see deliveries/001_deliveries.)

-- Every call of the exchange API, allowed or denied, and every event delivery: who (department),
-- which system (client), which holders, which fields, which purpose, when, and the outcome.
-- Written by group commit (src/exchange/recorder.ts) before the answer is sent.
create table exchange_access (
  id bigserial primary key,
  access_id uuid not null,                  -- returned to the caller as X-CertBridge-Access-Id
  at timestamptz not null,
  department_code text,
  client_id text,
  operation text not null check (operation in ('lookup', 'batch', 'event')),
  license_type text,
  purpose text,
  holder_codes text[] not null,
  fields text[] not null,
  basis text check (basis in ('agreement', 'authorisation', 'subscription')),
  basis_ids text[] not null,
  outcome text not null,                    -- allowed | denied | not-found | rate-limited | invalid | error
  status int not null,                      -- the HTTP status answered; 0 for an event delivery (recorded before it is sent: its answer is in outbox_attempts)
  problem text,                             -- the problem code when not allowed
  results jsonb                             -- per-outcome counts of a batch
);
create index exchange_access_department on exchange_access (department_code, at);
-- "Who accessed my data": a holder's records.
create index exchange_access_holders on exchange_access using gin (holder_codes);

-- Lookups charged to an agreement's daily quota (expectedDailyVolume), per Asia/Shanghai day.
create table exchange_quota_usage (
  basis_id text not null,                   -- 'agreement:<id>'
  day date not null,
  used bigint not null,
  primary key (basis_id, day)
);
