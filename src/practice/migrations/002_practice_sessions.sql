-- Practice mode is a property of a console session, not of the person: a fresh sign-in always
-- starts in real work, and a session is in practice mode from its first page to its last, in every
-- tab that shares it. (Per person, a session signed in after switching it on showed the practice
-- companies without the banner until a reload.) People in practice mode when this runs sign in again
-- in real work.
create table practice_sessions (
  session_hash text primary key,  -- the console session's id hash (src/people keeps the sessions)
  person_id text not null,
  since timestamptz not null default now()
);
drop table practice_people;
