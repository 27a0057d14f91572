package io.gatehouse.portal;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class SetupLinkOnPostgresTest extends SetupLinkTests {
}
