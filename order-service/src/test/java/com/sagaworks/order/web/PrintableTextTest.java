package com.sagaworks.order.web;

import org.junit.jupiter.api.Test;

import static com.sagaworks.order.web.PrintableText.Validator.isPrintable;
import static org.assertj.core.api.Assertions.assertThat;

class PrintableTextTest {

    @Test
    void acceptsTextOfAnyScriptEmojiIncluded() {
        assertThat(isPrintable("alice")).isTrue();
        assertThat(isPrintable("Ω≈ç√ アリス")).isTrue();
        assertThat(isPrintable("🙂🙃")).isTrue();
        assertThat(isPrintable("a\u0301")).isTrue();
        assertThat(isPrintable("' OR 1=1 --")).as("harmless as a bound parameter").isTrue();
    }

    @Test
    void refusesControlCharacters() {
        assertThat(isPrintable("a\u0000b")).isFalse();
        assertThat(isPrintable("a\tb")).isFalse();
        assertThat(isPrintable("a\u007Fb")).isFalse();
        assertThat(isPrintable("a\u0085b")).isFalse();
    }

    @Test
    void refusesUnpairedSurrogates() {
        assertThat(isPrintable("\uD800")).isFalse();
        assertThat(isPrintable("a\uDC00")).isFalse();
        assertThat(isPrintable("\uD83D\uD83D")).isFalse();
    }

    @Test
    void refusesTextOfOnlyWhitespaceThatNotBlankLetsThrough() {
        assertThat(isPrintable("\u2003")).isFalse();
        assertThat(isPrintable(" \u3000 ")).isFalse();
        assertThat(isPrintable("")).as("emptiness is @NotBlank's to report").isTrue();
    }
}
