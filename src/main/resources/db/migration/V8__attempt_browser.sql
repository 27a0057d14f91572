-- A sign-in is finished only in the browser that started it (login CSRF): the hash of that browser's key.
alter table signin_attempts add column browser_hash varchar(64);
