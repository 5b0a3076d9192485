-- Deliveries: subscriptions to license events, department webhooks, and the transactional outbox
-- their deliveries come from. On a store migrated before the deliveries capability had a folder of
-- its own these tables exist already (exchange/001_exchange created them): `if not exists`.

-- A department's subscription to lifecycle events of a resource's licenses.
create table if not exists subscriptions (
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
create index if not exists subscriptions_type on subscriptions (license_type) where deleted_at is null;
create index if not exists subscriptions_department on subscriptions (department_code, created_at);

-- Where a department wants its notifications (notification.created) delivered.
create table if not exists department_webhooks (
  department_code text primary key,
  url text not null,
  updated_by text not null,
  updated_at timestamptz not null default now()
);

-- The transactional outbox: a row is written in the transaction of the change it reports, so an
-- event exists iff its change committed. One row per event and target; the deliverer sends it.
create table if not exists outbox (
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
create index if not exists outbox_due on outbox (next_attempt_at, id) where status = 'pending';
create index if not exists outbox_ordering on outbox (ordering_key, id) where status = 'pending';
create index if not exists outbox_subscription on outbox (subscription_id, id);
create index if not exists outbox_webhook on outbox (department_code, id) where target = 'webhook';

create table if not exists outbox_attempts (
  id bigserial primary key,
  delivery_id bigint not null references outbox (id),
  attempt int not null,
  at timestamptz not null default now(),
  status int,                               -- HTTP status received, null when none (timeout, refused)
  error text,
  duration_ms int
);
create index if not exists outbox_attempts_delivery on outbox_attempts (delivery_id, id);
