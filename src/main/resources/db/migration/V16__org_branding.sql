-- How an org's pages look (sign-in pages, later the setup portal): an accent colour (#rrggbb, checked by
-- the API) and a logo (PNG or JPEG, at most 256 KiB, checked by the API). One row per org that set either;
-- the org's name comes from orgs.
create table org_branding (
    org_id        varchar(63)  primary key references orgs (id) on delete cascade,
    accent_color  varchar(7),
    logo          bytea,
    logo_type     varchar(8),
    logo_sha256   varchar(64),
    updated_at    timestamp with time zone not null
);
