-- Full tiles store their inner levels (heights 1–7 of the subtree a tile spans, 254 hashes, 8 KiB):
-- a proof reads the nodes between tile levels instead of hashing them up from the tile's 256
-- hashes. Null for a partial tile (it is rewritten until full). Existing full tiles are filled here.
alter table audit_tiles add column inner_hashes bytea;
alter table audit_tiles alter column inner_hashes set storage external;

-- The inner levels of a full tile's hashes, as src/audit/tiles.ts innerLevels computes them.
create function audit_inner_levels(hashes bytea) returns bytea language plpgsql immutable as $$
declare
  below bytea := hashes;
  up bytea;
  inner_levels bytea := ''::bytea;
begin
  for h in 1 .. 7 loop
    up := ''::bytea;
    for i in 0 .. octet_length(below) / 64 - 1 loop
      up := up || sha256('\x01'::bytea || substring(below from i * 64 + 1 for 64));
    end loop;
    inner_levels := inner_levels || up;
    below := up;
  end loop;
  return inner_levels;
end
$$;

update audit_tiles set inner_hashes = audit_inner_levels(hashes) where octet_length(hashes) = 8192;

drop function audit_inner_levels(bytea);
