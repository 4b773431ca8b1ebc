package com.sagaworks.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class ClasspathTest {

    @Test
    void followsManifestClassPathsRelativeToTheJarThatNamesThem(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path kafka = jar(lib.resolve("kafka.jar"), null);
        Path clients = jar(lib.resolve("clients.jar"), null);
        Path tools = jar(lib.resolve("tools.jar"), "clients.jar");
        Path launcher = jar(dir.resolve("launcher.jar"), "lib/kafka.jar lib/tools.jar");

        assertThat(Classpath.expand(launcher.toString()).split(File.pathSeparator))
                .containsExactly(launcher.toString(), kafka.toString(), tools.toString(), clients.toString());
    }

    @Test
    void followsAbsoluteFileUrlsAsInAManifestOnlyTestJar(@TempDir Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path booter = jar(dir.resolve("booter.jar"), classes.toUri().toString());

        assertThat(Classpath.expand(booter.toString()).split(File.pathSeparator))
                .containsExactly(booter.toString(), classes.toString());
    }

    @Test
    void listsEachEntryOnceEvenWhenJarsNameEachOther(@TempDir Path dir) throws IOException {
        Path a = jar(dir.resolve("a.jar"), "b.jar");
        Path b = jar(dir.resolve("b.jar"), "a.jar");

        assertThat(Classpath.expand(a + File.pathSeparator + b).split(File.pathSeparator))
                .containsExactly(a.toString(), b.toString());
    }

    private static Path jar(Path path, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return path;
    }
}
