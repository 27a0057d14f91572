package io.gatehouse.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An accent colour is #rrggbb and nothing else, and text on it always has AA contrast. */
class AccentColorTest {

    @ParameterizedTest
    @ValueSource(strings = {"#fff", "red", "#12345g", "#1234567", "1a2b3c", "#1a2b3c;", "#1a2b3c}body{display:none",
            "#1a2b3c\n", " #1a2b3c", "url(javascript:alert(1))", "var(--x)", "#1a2b3c/**/", "", "#ＡＢＣＤＥＦ"})
    void anythingButSixHexDigitsIsRefused(String value) {
        assertThat(AccentColor.parse(value)).isEmpty();
        assertThatThrownBy(() -> new AccentColor(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sixHexDigitsAreAcceptedAndLowerCased() {
        assertThat(AccentColor.parse("#1A2B3C")).contains(new AccentColor("#1a2b3c"));
        assertThat(AccentColor.parse("#1A2B3C").get().hex()).isEqualTo("#1a2b3c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"#000000", "#ffffff", "#777777", "#767676", "#1d4ed8", "#ffff00", "#0000ff", "#ff0000",
            "#00ff00", "#808080", "#6b6b6b", "#959595"})
    void textOnTheAccentReachesWcagAa(String hex) {
        AccentColor accent = new AccentColor(hex);
        assertThat(accent.textColor()).isIn("#000000", "#ffffff");
        assertThat(accent.textContrast()).isGreaterThanOrEqualTo(4.5);
    }

    @Test
    void darkAccentsGetWhiteTextAndLightOnesBlack() {
        assertThat(new AccentColor("#1d4ed8").textColor()).isEqualTo("#ffffff");
        assertThat(new AccentColor("#ffff00").textColor()).isEqualTo("#000000");
        // Gatehouse's own accent and its white text: about 6.7:1
        assertThat(AccentColor.DEFAULT.textContrast()).isGreaterThan(6.5);
    }
}
