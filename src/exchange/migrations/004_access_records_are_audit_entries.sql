-- An access record and its audit entry were the same fact written twice, to two tables with their
-- own indexes. The audit log's `exchange.accessed` entry (one per holder read, with the fields,
-- basis, outcome and status) is now the one access record. The old table is no longer written;
-- it is kept, renamed, for installations whose first accesses predate the audit log.
alter table exchange_access rename to exchange_access_archive;
