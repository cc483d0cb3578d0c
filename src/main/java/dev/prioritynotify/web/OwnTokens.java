package dev.prioritynotify.web;

import java.util.List;
import java.util.UUID;

/** What the tokens page reads: the signed-in person's API tokens, never a plaintext. */
@FunctionalInterface
public interface OwnTokens {
    List<TokenRow> list(UUID userId);
}
