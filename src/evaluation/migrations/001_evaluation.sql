-- Departmental evaluation (考核). See docs/evaluation.md.

-- The weights of the indicators, set by the coordination office. Never changed: a new set applies
-- from its month on, and the whole history stays (the weights of a month are the set with the
-- latest valid_from not after it, the newest among equals).
create table evaluation_weights (
  id bigserial primary key,
  weights jsonb not null,              -- {indicator: integer weight 0..100}
  valid_from text not null check (valid_from ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  reason text not null,
  set_by text not null,
  set_at timestamptz not null default now()
);
insert into evaluation_weights (weights, valid_from, reason, set_by) values (
  '{"catalogPublished":10,"catalogOpenness":10,"requestsOnTime":20,"lookupsServed":10,"lookupsConsumed":10,"quality":20,"objectionsOnTime":10,"deliverySuccess":10}',
  '2000-01', 'CertBridge default weights (docs/evaluation.md)', 'system');

create function evaluation_weights_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'evaluation weights are kept with their history: % is not allowed (set new weights instead)', tg_op using errcode = '42501';
end
$$;
create trigger evaluation_weights_append_only before update or delete on evaluation_weights for each row execute function evaluation_weights_append_only();

-- Computed scoreboards: a closed month is computed once per weights set and read back; the current
-- month is recomputed when its newest board is older than a few minutes.
create table evaluation_boards (
  id bigserial primary key,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  weights_id bigint not null references evaluation_weights (id),
  board jsonb not null,
  computed_at timestamptz not null default now(),
  took_ms integer not null
);
create index evaluation_boards_month on evaluation_boards (month, id desc);
