-- The compensation ledger (共享补偿). See docs/ledger.md. Amounts are integer fen (bigint), never
-- floating point; every table but the follower's cursor is append-only.

-- Prices per record read, per catalog resource, set by the coordination office. Never changed: a
-- new price supersedes the older ones for the days it covers (the latest set wins on a day).
create table ledger_prices (
  id bigserial primary key,
  resource_id text not null,
  fen_per_record bigint not null check (fen_per_record >= 0 and fen_per_record <= 9007199254740991),
  valid_from date not null,            -- first China day it applies, inclusive
  valid_until date,                    -- last China day it applies, inclusive; null: open-ended
  reason text not null,
  set_by text not null,
  set_at timestamptz not null default now(),
  check (valid_until is null or valid_until >= valid_from)
);
create index ledger_prices_resource on ledger_prices (resource_id, id);

-- One journal per posting: a lookup served (its source is the audit log entry, by leaf index,
-- posted once) or a correction by the coordination office (with its reason).
create table ledger_journals (
  id bigserial primary key,
  kind text not null check (kind in ('lookup', 'correction')),
  source_index bigint unique,          -- the audit entry's leaf index (lookups); null for corrections
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  at timestamptz not null,             -- when the lookup happened, or the correction was made
  reason text,
  corrects bigint references ledger_journals (id),
  created_by text not null,
  created_at timestamptz not null default now(),
  check ((kind = 'lookup') = (source_index is not null)),
  check (kind = 'lookup' or (reason is not null and reason <> ''))
);

-- The lines of the journals: each debits or credits one department's account (its code). A
-- department's balance is its credits less its debits (positive: it is owed).
create table ledger_entries (
  id bigserial primary key,
  journal_id bigint not null references ledger_journals (id),
  account text not null,               -- a department's code
  counterparty text not null,          -- the department on the other side of the journal
  debit bigint not null default 0 check (debit >= 0),
  credit bigint not null default 0 check (credit >= 0),
  resource_id text,                    -- the catalog resource read (null for a correction about none)
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  source bigint,                       -- the audit entry's leaf index (lookups)
  records integer not null default 0 check (records >= 0),
  price_id bigint references ledger_prices (id),
  check (debit = 0 or credit = 0),
  unique (source, account)
);
create index ledger_entries_journal on ledger_entries (journal_id);
create index ledger_entries_account_month on ledger_entries (account, month);

-- Every journal balances: after each statement that adds lines, the journals it touched sum to
-- zero (a journal's lines are always written in one statement).
create function ledger_check_balance() returns trigger language plpgsql as $$
declare
  unbalanced bigint;
begin
  select e.journal_id into unbalanced
    from ledger_entries e
   where e.journal_id in (select distinct journal_id from new_entries)
   group by e.journal_id
  having sum(e.debit) <> sum(e.credit)
   limit 1;
  if unbalanced is not null then
    raise exception 'ledger journal % does not balance', unbalanced using errcode = '23514';
  end if;
  return null;
end
$$;
create trigger ledger_entries_balance after insert on ledger_entries
  referencing new table as new_entries for each statement execute function ledger_check_balance();

-- Append-only: no line, journal or price is ever changed or removed (corrections are new journals).
create function ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % is not allowed (post a correction journal instead)', tg_op, tg_table_name
    using errcode = '42501';
end
$$;
create trigger ledger_entries_append_only before update or delete on ledger_entries for each row execute function ledger_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries for each statement execute function ledger_append_only();
create trigger ledger_journals_append_only before update or delete on ledger_journals for each row execute function ledger_append_only();
create trigger ledger_journals_no_truncate before truncate on ledger_journals for each statement execute function ledger_append_only();
create trigger ledger_prices_append_only before update or delete on ledger_prices for each row execute function ledger_append_only();
create trigger ledger_prices_no_truncate before truncate on ledger_prices for each statement execute function ledger_append_only();
revoke update, delete, truncate on ledger_entries, ledger_journals, ledger_prices from public;

-- The follower's place in the audit log: the last leaf index it has processed.
create table ledger_cursor (
  singleton boolean primary key default true check (singleton),
  last_index bigint not null,
  updated_at timestamptz not null default now()
);
insert into ledger_cursor (last_index) values (-1);
