-- Sign-ins update a user optimistically (compare the version, retry on a change) instead of locking
-- the row first: a locking read cannot be cached as a prepared statement by H2 and costs as much as
-- the write it guards.
alter table users add column version bigint default 0 not null;
