package io.gatehouse.oidc;

import io.gatehouse.testkit.OnPostgres;

@OnPostgres
class OidcSignInOnPostgresTest extends OidcSignInTests {
}
