-- A subscription is delivered under one grant (issue 14): the agreement it names, or else the
-- active agreement of its purpose. Before, a subscription without a purpose received the union of
-- its department's agreements for the resource — fields no single agreement granted for one purpose.
-- Subscriptions made before have no agreement; one without a purpose is delivered only while its
-- department has agreements of a single purpose for the resource (dropped otherwise).
alter table subscriptions add column agreement_id text;   -- the agreement named at subscribing (null: its purpose's active one)
