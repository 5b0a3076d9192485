-- The license registry (GET /api/v1/licenses): search and list, newest issue date first, by
-- keyset paging, on 20 million licenses. See src/licenses/registry.ts for the query each serves.

-- Trigrams for the name search ("contains", any case). pg_trgm reads Chinese text in a UTF-8
-- database; it is a trusted extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;

-- The issue date (发证日期) of the current version, kept beside the license so the registry orders
-- and filters by it without reading versions.
alter table licenses add column issued_on date;
update licenses l
   set issued_on = coalesce((v.data ->> 'issuedOn')::date, (l.created_at at time zone 'Asia/Shanghai')::date)
  from license_versions v
 where v.license_id = l.id and v.version = l.current_version;
update licenses set issued_on = (created_at at time zone 'Asia/Shanghai')::date where issued_on is null;
alter table licenses alter column issued_on set not null;

-- Newest first, all issuers (the coordination office) and per issuer. The per-issuer index takes
-- the place of (issuer_code, id), which no query used: one index fewer to write per license.
drop index if exists licenses_issuer;
create index licenses_registry on licenses (issued_on, id);
create index licenses_registry_issuer on licenses (issuer_code, issued_on, id);
-- Licenses not valid (suspended, revoked, cancelled, expired) are a small share: listed by status
-- from their own small indexes, which a newly issued license (valid) never enters.
create index licenses_registry_status on licenses (status, issued_on, id) where status <> 'valid';
create index licenses_registry_issuer_status on licenses (issuer_code, status, issued_on, id) where status <> 'valid';
-- "Name contains": trigrams of the holder's name.
create index licenses_holder_name on licenses using gin (holder_name gin_trgm_ops);
