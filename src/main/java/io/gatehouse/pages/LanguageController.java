package io.gatehouse.pages;

import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /language?lang=de}: the language switch of a page that cannot be loaded again (it answered a
 * form post or a one-time code). The page answers in the chosen language and the cookie keeps it for
 * the pages that follow; it leads nowhere else, so it can send nobody anywhere.
 */
@RestController
class LanguageController {
    private final Pages pages;

    LanguageController(Pages pages) {
        this.pages = pages;
    }

    @GetMapping("/language")
    ResponseEntity<String> choose() {
        return pages.render(HttpStatus.OK, new MessagePage(Text.of("language.title"),
                java.util.List.of(Text.of("language.set"), Text.of("language.back")), Optional.empty(),
                Optional.empty(), true));
    }
}
