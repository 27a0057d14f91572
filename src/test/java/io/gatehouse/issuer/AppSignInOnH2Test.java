package io.gatehouse.issuer;

import io.gatehouse.testkit.OnH2;

@OnH2
class AppSignInOnH2Test extends AppSignInTests {
}
