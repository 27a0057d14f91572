package io.gatehouse.platform;

import io.gatehouse.testkit.OnH2;

@OnH2
class PlatformApiOnH2Test extends PlatformApiTests {
}
