package io.gatehouse.compat;

import io.gatehouse.testkit.OnH2;

@OnH2
class CompatibilityBadInputOnH2Test extends CompatibilityBadInputTests {
}
