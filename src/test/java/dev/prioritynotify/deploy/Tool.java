package dev.prioritynotify.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A program of this machine (tar, docker-compose, systemd-analyze, nix-instantiate), run bounded in time. */
record Tool(List<String> command) {
    record Result(int exit, String out, String err) {
        String both() {
            return out + err;
        }
    }

    /** The first of {@code names} found on PATH. */
    static Optional<Tool> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(new Tool(List.of(candidate.toString())));
                }
            }
        }
        return Optional.empty();
    }

    Tool with(String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return new Tool(List.copyOf(all));
    }

    Result run(Path directory, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(all)
                    .directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
                String out = read(p.getInputStream());
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(all + " did not finish within 120 s");
                }
                return new Result(p.exitValue(), out, err.join());
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
