-- Failed sign-ins per client address (an IPv6 one by its /64) and pool (people's or systems'), in a
-- fixed window: in the database so that every server process counts them together — with several
-- nodes behind a load balancer, a count per process gave an attacker the allowance once per node.
create table sign_in_address_failures (
  key text primary key,             -- '<people|systems> <address>'
  failures int not null,
  window_ends timestamptz not null  -- the database's clock decides, for every node alike
);
