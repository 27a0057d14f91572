package io.gatehouse.saml;

import io.gatehouse.pages.Pages;
import io.gatehouse.pages.PostFormPage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The HTTP-POST binding's page: a form with the message that the browser posts on at once (by
 * Gatehouse's one page script; a button does it where scripts are off). Its CSP lets the form post to
 * the destination's origin only.
 */
@Component
public class PostForm {
    private final Pages pages;

    PostForm(Pages pages) {
        this.pages = pages;
    }

    /** The form for the message ({@code parameter} is SAMLRequest or SAMLResponse), with its RelayState. */
    public ResponseEntity<String> of(String action, String parameter, String message, Optional<String> relayState) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(parameter, message);
        relayState.ifPresent(r -> fields.put("RelayState", r));
        return pages.render(HttpStatus.OK, new PostFormPage(action, fields));
    }
}
