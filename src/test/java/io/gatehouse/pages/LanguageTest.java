package io.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Accept-Language picks the best of English and German, and anything else falls back to English. */
class LanguageTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "de-DE,de;q=0.9,en;q=0.8 | de",
            "de-AT | de",
            "en-US,en;q=0.9,de;q=0.5 | en",
            "fr-FR,fr;q=0.9,de;q=0.8,en;q=0.5 | de",
            "fr-FR | en",
            "* | en",
            "null | en",
            "'' | en",
            "de;q=garbage | en",
            "de;q=0,en;q=0.1 | en"})
    void acceptLanguageChoosesOneOfOurLanguages(String header, String expected) {
        assertThat(Language.fromAcceptLanguage(header).code()).isEqualTo(expected);
    }
}
