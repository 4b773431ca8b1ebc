package com.sagaworks.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The class path of this JVM as a plain list of files, for starting the broker: it holds kafka_2.13,
 * its dependencies whether the stack runs from {@code local-stack.jar} (whose manifest
 * names {@code lib/*.jar}) or from a test JVM (whose class path may be a manifest-only jar).
 */
final class Classpath {

    private Classpath() {
    }

    static String ofThisJvm() {
        return expand(System.getProperty("java.class.path"));
    }

    /** Every entry of {@code classpath} followed, recursively, by the jars its manifest Class-Path names. */
    static String expand(String classpath) {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry), entries);
            }
        }
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static void add(Path entry, Set<Path> entries) {
        Path path = entry.toAbsolutePath().normalize();
        if (!entries.add(path) || !Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return;
            }
            // Class-Path entries are URLs relative to the jar that names them
            URI base = path.getParent().toUri();
            for (String reference : classPath.trim().split("\\s+")) {
                URI resolved = base.resolve(reference);
                if ("file".equals(resolved.getScheme())) {
                    add(Path.of(resolved), entries);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the manifest of " + path, e);
        }
    }
}
