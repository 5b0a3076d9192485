-- The audit log as entry bundles and tiles (C2SP tlog-tiles, Tessera's storage design): no row per
-- entry any more. An existing log is converted in place, its tiles recomputed from the entries'
-- text, and the migration fails unless the converted log's root equals the root of the newest
-- signed tree head (and of every head before it). See docs/audit.md.

-- Full entry bundles: entries [idx·256, idx·256 + 256), each a big-endian uint16 length and the
-- entry's RFC 8785 text; gzip-compressed (as they are served), or as written by this migration.
create table audit_bundles (
  idx bigint primary key,
  data bytea not null,
  gzipped boolean not null default true
);
alter table audit_bundles alter column data set storage external;

-- The partial bundle at the end of the log: one row per batch that wrote into it (its records,
-- uncompressed), until the batch that fills it writes the full bundle and deletes these.
create table audit_bundle_parts (
  first bigint primary key,
  data bytea not null
);
-- Short-lived: not worth compressing (pglz on every batch's records costs the writer's statement).
alter table audit_bundle_parts alter column data set storage external;

-- Tiles of hashes: level 0 the leaf hashes, level L the roots of the full tiles of level L − 1; 256
-- hashes (8 KiB) when full, the right edge rewritten until then.
create table audit_tiles (
  level smallint not null,
  idx bigint not null,
  hashes bytea not null,
  primary key (level, idx)
);
alter table audit_tiles alter column hashes set storage external;

-- The tree's state: size (tree_size, as before), root, the signed checkpoint of that size and the
-- log's origin (fixed by its first checkpoint).
alter table audit_state add column root_hash bytea;
alter table audit_state add column origin text;
alter table audit_state add column checkpoint text;

-- How far the log's indexer (postings, days, oversight, tree heads) has read: a row of its own, so
-- that its long transactions never hold the state row the appenders lock.
create table audit_indexer (
  singleton boolean primary key default true check (singleton),
  indexed_size bigint not null
);
insert into audit_indexer (indexed_size) values (0);

-- Accesses counted per China day, consumer system, agreement, license type, purpose and operation
-- (lookup, batch, event delivery): one upsert per batch of the appender, what usage and evaluation read.
create table audit_access_counts (
  day date not null,
  department text not null,
  client_id text not null,
  agreement_id text not null,
  license_type text not null,
  purpose text not null,
  operation text not null,
  total bigint not null,
  allowed bigint not null,
  primary key (day, department, client_id, agreement_id, license_type, purpose, operation)
);

-- The indexer's postings: for a holder ('h'), department ('d') or entry type ('t'), the positions of
-- its entries after `first`, packed (varint deltas), a row holding up to 64 (a holder's) or 2,048.
-- Rewritten by every pass that adds to them: room on each page keeps those updates on the page
-- (HOT), where the old versions are pruned without waiting for a vacuum.
create table audit_postings (
  kind "char" not null,
  key text not null,
  first bigint not null,
  positions bytea not null,
  primary key (kind, key, first)
) with (fillfactor = 60);

-- The lowest and highest position of the entries of each China day (by the time they record).
create table audit_days (
  day date primary key,
  first bigint not null,
  last bigint not null
);

-- Entries committed but not yet sequenced when the log was converted: the first sequencing pass
-- appends them (in this order) and removes them.
create table audit_migrated_pending (
  id bigint primary key,
  entry text not null
);

-- What a hot publisher's folded append raises when the log moved on since it read the state.
create function audit_log_moved(applied integer) returns boolean language plpgsql as $$
begin
  if applied = 1 then return false; end if;
  raise exception 'the audit log moved on since this append was prepared' using errcode = 'CB409';
end
$$;

-- MTH of the 2^k hashes of `hashes` (a perfect subtree).
create function audit_perfect_root(hashes bytea) returns bytea language plpgsql immutable as $$
declare
  up bytea;
begin
  while octet_length(hashes) > 32 loop
    up := ''::bytea;
    for i in 0 .. octet_length(hashes) / 64 - 1 loop
      up := up || sha256('\x01'::bytea || substring(hashes from i * 64 + 1 for 64));
    end loop;
    hashes := up;
  end loop;
  return hashes;
end
$$;

-- MTH of the first `size` entries, from the stored tiles (a prefix of each tile on the right edge).
create function audit_root_from_tiles(size bigint) returns bytea language plpgsql as $$
declare
  top integer := 0;
  width integer;
  tile bytea;
  at integer;
  roots bytea[] := '{}';
  root bytea;
begin
  if size = 0 then return sha256(''::bytea); end if;
  while 256::numeric ^ (top + 1) <= size loop top := top + 1; end loop;
  for lvl in reverse top .. 0 loop
    width := ((size / (256::numeric ^ lvl)::bigint) % 256)::integer;
    if width > 0 then
      select hashes into tile from audit_tiles where level = lvl and idx = size / (256::numeric ^ (lvl + 1))::bigint;
      if tile is null or octet_length(tile) < width * 32 then
        raise exception 'audit log conversion: the tile at level % for size % is missing or short', lvl, size;
      end if;
      at := 0;
      for bit in reverse 7 .. 0 loop
        if width & (1 << bit) <> 0 then
          roots := roots || audit_perfect_root(substring(tile from at * 32 + 1 for (1 << bit) * 32));
          at := at + (1 << bit);
        end if;
      end loop;
    end if;
  end loop;
  root := roots[array_length(roots, 1)];
  for i in reverse array_length(roots, 1) - 1 .. 1 loop
    root := sha256('\x01'::bytea || roots[i] || root);
  end loop;
  return root;
end
$$;

do $$
declare
  size bigint;
  leaves bigint;
  tall bigint;
  lvl integer := 1;
  head record;
  root bytea;
begin
  select tree_size into size from audit_state;
  select count(*) into leaves from audit_leaves l join audit_entries e on e.id = l.entry_id where l.leaf_index < size;
  if leaves <> size then
    raise exception 'audit log conversion: the tree has % entries but only % of them are stored; run `certbridge audit verify` with the previous version', size, leaves;
  end if;
  select max(octet_length(convert_to(entry, 'UTF8'))) into tall from audit_entries;
  if tall > 65535 then
    raise exception 'audit log conversion: an entry of % bytes does not fit an entry bundle', tall;
  end if;

  -- Bundles and the partial bundle, from the entries' text in leaf order.
  insert into audit_bundles (idx, data, gzipped)
  select l.leaf_index / 256,
         string_agg(substring(int4send(octet_length(convert_to(e.entry, 'UTF8'))) from 3) || convert_to(e.entry, 'UTF8'), ''::bytea order by l.leaf_index),
         false
    from audit_leaves l join audit_entries e on e.id = l.entry_id
   where l.leaf_index < (size / 256) * 256
   group by l.leaf_index / 256;
  insert into audit_bundle_parts (first, data)
  select min(l.leaf_index),
         string_agg(substring(int4send(octet_length(convert_to(e.entry, 'UTF8'))) from 3) || convert_to(e.entry, 'UTF8'), ''::bytea order by l.leaf_index)
    from audit_leaves l join audit_entries e on e.id = l.entry_id
   where l.leaf_index >= (size / 256) * 256 and l.leaf_index < size
  having count(*) > 0;

  -- Level 0: the leaf hashes, recomputed from the entries (not copied from the old leaf rows).
  insert into audit_tiles (level, idx, hashes)
  select 0, l.leaf_index / 256, string_agg(sha256('\x00'::bytea || convert_to(e.entry, 'UTF8')), ''::bytea order by l.leaf_index)
    from audit_leaves l join audit_entries e on e.id = l.entry_id
   where l.leaf_index < size
   group by l.leaf_index / 256;
  -- Each level above: the roots of the full tiles below.
  loop
    insert into audit_tiles (level, idx, hashes)
    select lvl, t.idx / 256, string_agg(audit_perfect_root(t.hashes), ''::bytea order by t.idx)
      from audit_tiles t where t.level = lvl - 1 and octet_length(t.hashes) = 8192
     group by t.idx / 256;
    exit when not found;
    lvl := lvl + 1;
  end loop;

  -- The proof: every signed tree head's root equals the root of the converted log at its size.
  for head in select distinct tree_size, root_hash from audit_tree_heads order by tree_size loop
    if head.tree_size > size then
      raise exception 'audit log conversion: a tree head of size % was signed but the log has % entries; run `certbridge audit verify` with the previous version', head.tree_size, size;
    end if;
    if audit_root_from_tiles(head.tree_size) <> head.root_hash then
      raise exception 'audit log conversion: the converted log does not match its signed tree head of size %; run `certbridge audit verify` with the previous version', head.tree_size;
    end if;
  end loop;
  root := audit_root_from_tiles(size);
  update audit_state set root_hash = root;

  -- Accesses counted per day, as the appender counts them from now on.
  insert into audit_access_counts (day, department, client_id, agreement_id, license_type, purpose, operation, total, allowed)
  select ((e.at at time zone 'UTC') + interval '8 hours')::date, coalesce(e.department, ''), coalesce(e.client_id, ''), coalesce(e.agreement_id, ''),
         coalesce(e.license_type, ''), coalesce(e.purpose, ''), coalesce(substring(e.entry from '"operation":"([^"]*)"'), ''),
         count(*), count(*) filter (where e.outcome = 'allowed')
    from audit_leaves l join audit_entries e on e.id = l.entry_id
   where e.type = 'exchange.accessed' and l.leaf_index < size
   group by 1, 2, 3, 4, 5, 6, 7;

  insert into audit_migrated_pending (id, entry) select p.id, e.entry from audit_pending p join audit_entries e on e.id = p.id;
end
$$;

drop table audit_pending;
drop table audit_leaves;
drop table audit_nodes;
drop table audit_entries;
