-- A system (client) can be disabled, enabled again, and have its secret rotated. A token carries
-- the secret generation it was issued under: after a rotation, older tokens are refused, as are all
-- tokens of a disabled client.
alter table clients add column disabled_reason text;
alter table clients add column disabled_by text;
alter table clients add column secret_generation int not null default 0;
alter table clients add column secret_rotated_at timestamptz;
