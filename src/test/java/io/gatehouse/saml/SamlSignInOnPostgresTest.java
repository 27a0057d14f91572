package io.gatehouse.saml;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class SamlSignInOnPostgresTest extends SamlSignInTests {
}
