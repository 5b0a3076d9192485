-- Authorised issuers (发证机关名录): which departments may issue each license type, from when to
-- when, on what legal basis. Kept by the coordination office; rows are never deleted, an
-- authorisation is ended by setting valid_until (so verification can ask about any past day).
create table license_type_issuers (
  id bigserial primary key,
  license_type text not null,                -- license type key, e.g. business-license
  department_code text not null references departments (code),
  legal_basis text not null,
  valid_from date not null,                  -- China dates, inclusive
  valid_until date,                          -- null: until withdrawn
  withdrawn_reason text,
  withdrawn_by text,
  withdrawn_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  check (valid_until is null or valid_until >= valid_from)
);
create index license_type_issuers_type on license_type_issuers (license_type, department_code, valid_from);
