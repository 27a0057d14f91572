-- An API key belongs to one incarnation of its org: the org's created_at is copied onto the key, and
-- a key is honoured only while its org's row still has that created_at. The cascade already deletes
-- an org's keys with it; this keeps a key from surviving into an org re-created with the same id
-- should a key row ever outlive its org (a restore, a database without the cascade).
alter table api_keys add column org_created_at timestamp with time zone;
update api_keys set org_created_at = (select o.created_at from orgs o where o.id = api_keys.org_id);
alter table api_keys alter column org_created_at set not null;
