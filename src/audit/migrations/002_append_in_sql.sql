-- Entries are appended by plain SQL that publishers fold into their own statement (see append.ts),
-- no longer by a function that split a delimited text.
drop function audit_append(text);
