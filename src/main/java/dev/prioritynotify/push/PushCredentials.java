package dev.prioritynotify.push;

import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.webpush.CryptoProviders;
import dev.prioritynotify.webpush.VapidKeys;
import dev.prioritynotify.webpush.VapidSigner;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this server pushes with: the VAPID key pair and a signer for its subject, or, when either
 * is missing or unusable, why not (one line naming the setting, logged once). Push being
 * unavailable never stops the server.
 */
public record PushCredentials(Optional<VapidKeys> keys, Optional<VapidSigner> signer, Optional<String> unavailable) {
    private static final Logger log = LoggerFactory.getLogger(PushCredentials.class);

    public static PushCredentials load(
            Config.Push.Vapid vapid,
            VapidKeyStore store,
            Secret secretKey,
            CryptoProviders providers,
            InstantSource clock) {
        try {
            VapidKeys keys = store.load(vapid, secretKey);
            String subject = vapid.subject()
                    .orElseThrow(
                            () -> new PushUnavailable(
                                    "VAPID_SUBJECT: not set (set it to a mailto: or https: contact for push services; an https BASE_URL also serves)"));
            VapidSigner signer;
            try {
                signer = new VapidSigner(keys, subject, vapid.tokenValidity(), providers, clock);
            } catch (IllegalArgumentException e) {
                throw new PushUnavailable(e.getMessage());
            }
            log.info("Web Push enabled; VAPID public key {}", keys.publicKeyBase64Url());
            return new PushCredentials(Optional.of(keys), Optional.of(signer), Optional.empty());
        } catch (PushUnavailable e) {
            log.warn("{}; Web Push is disabled", e.getMessage());
            return new PushCredentials(Optional.empty(), Optional.empty(), Optional.of(e.getMessage()));
        }
    }
}
