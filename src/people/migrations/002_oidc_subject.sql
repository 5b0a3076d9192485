-- OpenID Connect accounts matched by the provider's issuer and `sub` (OpenID Connect Core §5.7:
-- only that pair identifies an end-user; `preferred_username` may change and need not be unique).
-- Accounts that existed before have no pair yet: the first sign-in the provider vouches for by the
-- username claim binds its pair to the account, after which only the pair signs in to it
-- (docs/people.md). An account's pair is never taken over by another subject.
alter table people add column oidc_issuer text;
alter table people add column oidc_subject text;
alter table people add constraint people_oidc_pair check ((oidc_issuer is null) = (oidc_subject is null));
create unique index people_oidc_identity on people (oidc_issuer, oidc_subject) where oidc_subject is not null;
