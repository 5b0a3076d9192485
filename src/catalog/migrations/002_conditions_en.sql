-- The sharing conditions in English beside the Chinese (`conditions`), as the title and the
-- description have theirs: the console shows a reader the conditions in the reader's language.
alter table catalog_resources add column conditions_en text;
