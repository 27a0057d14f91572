-- What the setup portal works on for a link: the product and protocol the admin chose and the alias of the
-- one provider the link sets up (the link's own alias when it was made for one).
alter table setup_links add column portal_alias varchar(63);
alter table setup_links add column portal_product varchar(40);
alter table setup_links add column portal_protocol varchar(10);
