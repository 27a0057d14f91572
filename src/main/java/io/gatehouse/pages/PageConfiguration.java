package io.gatehouse.pages;

import java.nio.charset.StandardCharsets;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ResourceBundleMessageSource;

/**
 * The message bundles of the pages: {@code messages_en}/{@code messages_de}, German titles of refusals
 * ({@code reasons}), and the setup portal's product guides ({@code guides_en}/{@code guides_de}).
 */
@Configuration(proxyBeanMethods = false)
class PageConfiguration {

    @Bean
    MessageSource messageSource() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasenames("messages", "reasons", "guides", "fixes");
        source.setDefaultEncoding(StandardCharsets.UTF_8.name());
        // a page's language is always one of ours (Language); the server's own locale never picks a bundle
        source.setFallbackToSystemLocale(false);
        return source;
    }
}
