-- Access tokens are sealed (AES-GCM under the master key) and carry their claims, so userinfo reads
-- no token row; a replayed code now revokes its tokens by a flag on the code itself, which is kept an
-- hour past its expiry, longer than any token it issued lives.
alter table authorization_codes add column tokens_revoked boolean default false not null;
drop table access_tokens;
