-- The uniqueness keys of quality_checked indexed by hash instead of by B-tree (issue 10's full pass,
-- docs/benchmarks.md). The keys are random (an organisation code; a normalised name and domicile of
-- about 100 bytes), so every batch of the full pass inserted into leaf pages all over two B-trees
-- that outgrew the shared buffers: the upsert of 5,000 licenses grew from 0.14 to 0.67 s a batch
-- over 400,000 licenses. A hash index holds a 4-byte hash code per row whatever the key's length
-- (about a third of the size), and the keys are only ever compared for equality (the groups'
-- join, a change's `= any(keys)`); the license type is filtered from the row.
drop index quality_checked_holder_key;
drop index quality_checked_identity_key;
create index quality_checked_holder_key on quality_checked using hash (holder_key) where is_current;
create index quality_checked_identity_key on quality_checked using hash (identity_key) where is_current;
