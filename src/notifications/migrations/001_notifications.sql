-- The in-app inbox: notifications to a department (every system of it sees them).
create table notifications (
  id text primary key,
  department text not null references departments (code),
  kind text not null,                       -- e.g. 'agreement.submitted', 'audit.alert'
  title text not null,
  title_en text not null,
  body text,
  link text,                                -- an API path, e.g. /api/v1/agreements/<id>
  agreement_id text,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  read_by text
);
create index notifications_department on notifications (department, created_at desc, id);
create index notifications_unread on notifications (department) where read_at is null;
