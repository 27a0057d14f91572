package io.gatehouse.compat;

import io.gatehouse.testkit.OnH2;

@OnH2
class CompatibilityOnH2Test extends CompatibilityTests {
}
