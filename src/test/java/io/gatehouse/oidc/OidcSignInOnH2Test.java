package io.gatehouse.oidc;

import io.gatehouse.testkit.OnH2;

@OnH2
class OidcSignInOnH2Test extends OidcSignInTests {
}
