-- The exchange (共享交换): access records, quota counters, subscriptions, department webhooks
-- and the transactional outbox their deliveries come from.

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

-- A department's subscription to lifecycle events of a resource's licenses.
create table subscriptions (
  id text primary key,
  department_code text not null,
  client_id text not null,                  -- the system that subscribed
  resource_id text not null,                -- catalog resource
  license_type text not null,               -- the resource's license type
  purpose text,                             -- when set, only the agreement for this purpose grants fields
  callback_url text not null,
  holders text[],                           -- null: every holder
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index subscriptions_type on subscriptions (license_type) where deleted_at is null;
create index subscriptions_department on subscriptions (department_code, created_at);

-- Where a department wants its notifications (notification.created) delivered.
create table department_webhooks (
  department_code text primary key,
  url text not null,
  updated_by text not null,
  updated_at timestamptz not null default now()
);

-- The transactional outbox: a row is written in the transaction of the change it reports, so an
-- event exists iff its change committed. One row per event and target; the deliverer sends it.
create table outbox (
  id bigserial primary key,
  event_id text not null,                   -- the CloudEvents id (one per domain event)
  event_type text not null,                 -- e.g. cn.gov.certbridge.license.amended
  subject text not null,
  occurred_at timestamptz not null,
  target text not null check (target in ('subscription', 'webhook')),
  subscription_id text references subscriptions (id),
  department_code text not null,
  ordering_key text,                        -- rows with the same key are delivered one after another, in id order
  data jsonb not null,                      -- the facts of the event; license fields are read at delivery, minimised
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead', 'dropped')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  leased_until timestamptz,                 -- a deliverer is sending it; another takes over after this
  last_status int,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index outbox_due on outbox (next_attempt_at, id) where status = 'pending';
create index outbox_ordering on outbox (ordering_key, id) where status = 'pending';
create index outbox_subscription on outbox (subscription_id, id);
create index outbox_webhook on outbox (department_code, id) where target = 'webhook';

create table outbox_attempts (
  id bigserial primary key,
  delivery_id bigint not null references outbox (id),
  attempt int not null,
  at timestamptz not null default now(),
  status int,                               -- HTTP status received, null when none (timeout, refused)
  error text,
  duration_ms int
);
create index outbox_attempts_delivery on outbox_attempts (delivery_id, id);
