-- License types as data (docs/license-types.md): each version of a license records the version of
-- its type's definition it was issued or amended under; the license, that of its current version.
-- Every license before this was a business license of the definition's first version, 1.0.0.
alter table license_versions add column type_version text not null default '1.0.0';
alter table license_versions alter column type_version drop default;
alter table licenses add column type_version text not null default '1.0.0';
alter table licenses alter column type_version drop default;
