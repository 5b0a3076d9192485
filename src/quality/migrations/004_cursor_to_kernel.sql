-- The follower's place moves to the kernel's follower_cursors (the kernel runs the follower now):
-- a store that has followed keeps its place.
insert into follower_cursors (name, last_index, updated_at) select 'quality.follow-changes', last_index, updated_at from quality_cursor;
drop table quality_cursor;
