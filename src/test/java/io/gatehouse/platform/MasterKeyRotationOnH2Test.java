package io.gatehouse.platform;

import java.nio.file.Path;
import java.util.List;

/** On the embedded H2 database in the data folder, which every restart of a test opens again. */
class MasterKeyRotationOnH2Test extends MasterKeyRotationTests {
    @Override
    protected List<String> database(Path dataDir) {
        return List.of();
    }
}
