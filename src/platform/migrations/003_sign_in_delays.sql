-- Sign-in limits that cannot be turned against their victims (issue 14, docs/security.md): a
-- person's or holder's account is slowed (a doubling delay, capped) instead of locked for up to a
-- day, and not for the addresses it last signed in from; systems' client ids are not limited per
-- account at all (their secrets are random; only per address).
alter table sign_in_failures add column known_addresses text[] not null default '{}';  -- the last successful sign-ins' addresses (an IPv6 one as its /64), newest first
alter table sign_in_failures drop column lockouts;
delete from sign_in_failures where account like 'client:%';
update sign_in_failures set locked_until = null;                                           -- the day-long locks of the old rule end
