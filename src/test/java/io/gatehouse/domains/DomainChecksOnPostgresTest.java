package io.gatehouse.domains;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class DomainChecksOnPostgresTest extends DomainChecksTests {
}
