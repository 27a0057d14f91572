package io.gatehouse.saml;

import io.gatehouse.testkit.OnH2;

@OnH2
class SamlSignInOnH2Test extends SamlSignInTests {
}
