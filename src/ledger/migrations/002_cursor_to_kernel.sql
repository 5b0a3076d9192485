-- The follower's place moves to the kernel's follower_cursors (the kernel runs the follower now):
-- a store that has posted keeps its place.
insert into follower_cursors (name, last_index, updated_at) select 'ledger.post-lookups', last_index, updated_at from ledger_cursor;
drop table ledger_cursor;
