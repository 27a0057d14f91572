package io.gatehouse.portal;

import io.gatehouse.testkit.OnH2;

@OnH2
class TestSignInOnH2Test extends TestSignInTests {
}
