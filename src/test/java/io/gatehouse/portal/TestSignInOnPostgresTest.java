package io.gatehouse.portal;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class TestSignInOnPostgresTest extends TestSignInTests {
}
