package io.gatehouse.api;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadFeature;

/**
 * Registers the negotiated representation writer ahead of Spring's own converters, and makes
 * Spring's JSON mapper refuse a name given twice in one object, as {@link RequestBodies} does.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {
    @Bean
    JsonFactoryBuilderCustomizer strictDuplicateDetection() {
        return factory -> factory.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.addCustomConverter(new RepresentationConverter());
    }
}
