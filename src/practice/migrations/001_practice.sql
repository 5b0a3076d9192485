-- Practice mode (练习模式): a person's practice copy of their department. A copy is three shadow
-- departments of the registry (the person's own, in their role, and two partners: an issuer, a
-- consumer or the coordination office, whichever the person is not) with codes in the reserved
-- range (src/platform/practiceCodes.ts: the division is the province's xx9999, and the organisation code
-- carries the copy's serial), seeded with synthetic enterprises, licenses, catalog resources and requests.
-- See docs/console.md, "Practice mode".
create sequence practice_copy_serials;

create table practice_copies (
  serial integer primary key,               -- in every code of the copy (4 characters of the credit-code alphabet)
  person_id text not null,                  -- the person practising (people capability)
  username text not null,
  department_code text not null,            -- the person's real department
  role text not null,                       -- the role the person practises in (their own)
  departments text[] not null,              -- the copy's departments: its issuer, consumer, coordination office (one is the person's own)
  enterprises jsonb not null,               -- the copy's synthetic enterprises: [{ holderCode, name, seededLicense }]
  created_at timestamptz not null default now(),
  -- A reset retires the copy and seeds a new one: licenses are immutable and the audit log append-
  -- only, so a retired copy's rows stay, in the practice range, where no one acts for them again.
  retired_at timestamptz
);
create unique index practice_copies_current on practice_copies (person_id) where retired_at is null;

-- Who is in practice mode now: the person's sessions act in their current copy.
create table practice_people (
  person_id text primary key,
  since timestamptz not null default now()
);
