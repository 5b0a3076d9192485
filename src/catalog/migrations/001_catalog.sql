-- The data resource catalog (政务数据资源目录): what each department shares, on what terms.
-- A resource keeps its id for life; every change is a new version, kept in full.
create table catalog_resources (
  id text primary key,                      -- readable slug, e.g. 'business-license'
  owner_department text not null references departments (code),
  title text not null,
  title_en text not null,
  description text not null,
  description_en text not null,
  license_type text,                        -- the license type it exposes (src/standards), or
  dataset text,                             -- the key of another dataset it exposes
  fields jsonb not null,                    -- [{name, sensitivity, title?, titleEn?}]
  sharing_class text not null check (sharing_class in ('unconditional', 'conditional', 'not-shared')),
  conditions text,                          -- required when conditional (有条件共享)
  legal_basis text,                         -- required when not shared (不予共享)
  update_cycle text not null,
  access_modes text[] not null,
  service_level jsonb not null,
  version int not null,
  created_at timestamptz not null default now(),
  created_by text not null,
  updated_at timestamptz not null default now(),
  updated_by text not null,
  check (license_type is not null or dataset is not null),
  check (sharing_class <> 'conditional' or conditions is not null),
  check (sharing_class <> 'not-shared' or legal_basis is not null)
);
-- One resource per license type: the exchange resolves a license type to its resource.
create unique index catalog_resources_license_type on catalog_resources (license_type) where license_type is not null;
create index catalog_resources_owner on catalog_resources (owner_department, id);

create table catalog_resource_versions (
  resource_id text not null references catalog_resources (id),
  version int not null,
  resource jsonb not null,                  -- the whole resource as it was at this version
  reason text,
  created_at timestamptz not null default now(),
  created_by text not null,
  primary key (resource_id, version)
);
