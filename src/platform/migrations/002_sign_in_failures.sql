-- Failed sign-ins per account (a system's client id, a holder, a member of staff): after too many
-- in a row the account is locked for a while, each further lock-out longer. Kept in the database
-- so that every server process, and a restart, sees the same count.
create table sign_in_failures (
  account text primary key,                 -- 'client:<id>', 'holder:<code>', 'person:<username>'
  failures int not null default 0,          -- in a row, since the last success or lock-out
  lockouts int not null default 0,
  locked_until timestamptz,
  last_failure_at timestamptz not null default now()
);
