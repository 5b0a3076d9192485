-- Background jobs run by the kernel (src/platform/jobs.ts): a job that runs in one process at a
-- time is held by a lease; a lease that lapses (its process died) is taken over by another.
create table job_leases (
  name text primary key,          -- the job, <capability>.<what>
  holder text not null,           -- host:pid:random of the process that holds it
  expires_at timestamptz not null,
  last_run_at timestamptz         -- when the last run ended, by whichever holder: a job taken over runs when due by it
);
