package com.sagaworks.order.web;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads request bodies strictly: an unknown field, a duplicated key, a fraction or a string where a number
 * belongs, a number where text belongs, is a client error, not something to guess about. A typo such as {@code "quantitiy"} would
 * otherwise be dropped silently and the line refused for a missing quantity, or worse accepted.
 *
 * <p>Only the HTTP converter is strict; the application's shared mapper, which may also read Kafka
 * messages, stays tolerant so that fields added to a contract do not break older readers.
 *
 * <p>It takes the JSON converter's place in Spring MVC's list, after Spring Boot's own customizer (order 0) has
 * put the default one there. A converter declared as a bean would instead go first in the list, ahead of the
 * byte-array and string converters, and serialise a {@code byte[]} body (such as the OpenAPI document) as a
 * base64 JSON string.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    ServerHttpMessageConvertersCustomizer strictJsonHttpMessageConverter(JsonMapper applicationMapper) {
        JacksonJsonHttpMessageConverter strict = new JacksonJsonHttpMessageConverter(strictMapper(applicationMapper));
        return converters -> converters.withJsonConverter(strict);
    }

    private static JsonMapper strictMapper(JsonMapper applicationMapper) {
        JsonMapper strict = applicationMapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // A number or boolean where text belongs ("customerId": 12) is a mistake, not a string.
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        return strict;
    }
}
