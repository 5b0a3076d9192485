-- License types as data (docs/license-types.md): every version of every type's definition, a draft
-- until the coordination office publishes it; a published version is never changed or deleted.
create table license_type_versions (
  key text not null,
  version text not null,                   -- semver; compared numerically in code
  status text not null check (status in ('draft', 'published')),
  document jsonb not null,                 -- the definition as drafted (and published)
  created_by text not null,
  created_at timestamptz not null default now(),
  published_by text,
  published_at timestamptz,
  primary key (key, version),
  check ((status = 'published') = (published_at is not null))
);
