-- Followers of the audit log run by the kernel (src/platform/followers.ts): each one's place in the
-- log, moved in the transaction that applies a page, so a page is applied exactly once.
create table follower_cursors (
  name text primary key,                        -- the follower (and its job), <capability>.<what>
  last_index bigint not null default -1,        -- the last leaf index it has processed (-1: none)
  updated_at timestamptz not null default now()
);
