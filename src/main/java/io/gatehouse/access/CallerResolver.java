package io.gatehouse.access;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RateLimit;
import io.gatehouse.api.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Establishes the {@link Caller} for any handler that declares one, from {@code Authorization:
 * Bearer}, {@code X-API-Key} or the {@code api_key} query parameter, in that order. Wrong keys are
 * counted per client address; past the limit a wrong key is answered 429 with Retry-After, not 401,
 * until the window ends. A right key is always honoured and resets nothing: keys are 256-bit random
 * values, so the limit is there to turn away floods and scanners, not to slow guessing, and many
 * clients share one address (a NAT, a load balancer missing from GATEHOUSE_TRUSTED_PROXIES), where
 * one of them must not lock the others out.
 */
@Configuration(proxyBeanMethods = false)
class CallerResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {
    private static final String ATTRIBUTE = Caller.class.getName();
    private final ApiKeys keys;
    private final RateLimit failures;

    CallerResolver(ApiKeys keys, RateLimits limits) {
        this.keys = keys;
        this.failures = limits.apiKeyFailures();
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Caller.class.isAssignableFrom(parameter.getParameterType());
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest webRequest,
                                  WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        return resolve(request);
    }

    Caller resolve(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Caller cached) {
            return cached;
        }
        String presented = presentedKey(request).orElseThrow(() -> new ProblemException(ErrorCode.UNAUTHORIZED,
                "Send an API key as Authorization: Bearer <key>, X-API-Key: <key> or ?api_key=<key>"));
        Optional<Caller> known = keys.authenticate(presented);
        if (known.isEmpty()) {
            Optional<Duration> wait = failures.spend(request);
            if (wait.isPresent()) {
                throw ProblemException.tooManyRequests("Too many wrong API keys from this address; try again after"
                        + " the Retry-After delay", wait.get());
            }
            throw new ProblemException(ErrorCode.UNAUTHORIZED, "The API key is not valid");
        }
        Caller caller = known.get();
        request.setAttribute(ATTRIBUTE, caller);
        return caller;
    }

    static Optional<String> presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (!token.isEmpty()) {
                return Optional.of(token);
            }
        }
        String header = request.getHeader("X-API-Key");
        if (header != null && !header.isBlank()) {
            return Optional.of(header.trim());
        }
        String query = request.getParameter("api_key");
        if (query != null && !query.isBlank()) {
            return Optional.of(query.trim());
        }
        return Optional.empty();
    }
}
