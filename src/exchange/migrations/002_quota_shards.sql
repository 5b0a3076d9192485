-- Quota counters in shards: each in-flight flush of the access recorder moves its own row, so
-- concurrent flushes never wait for each other's row lock. A quota's use is the sum of its shards.
alter table exchange_quota_usage add column shard smallint not null default 0;
alter table exchange_quota_usage drop constraint exchange_quota_usage_pkey;
alter table exchange_quota_usage add primary key (basis_id, day, shard);
