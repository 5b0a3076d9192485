-- Departments (部门) and their information systems (clients of the platform).
create table departments (
  code text primary key,                    -- the department's unified social credit code
  name text not null,
  name_en text not null,
  level text not null check (level in ('national', 'province', 'prefecture', 'county')),
  region text not null,                     -- GB/T 2260 division code
  created_at timestamptz not null default now()
);

create table clients (
  client_id text primary key,
  department_code text not null references departments (code),
  name text not null,
  secret_hash text not null,                -- scrypt; the secret itself is shown once and never stored
  roles text[] not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create index clients_department on clients (department_code);
