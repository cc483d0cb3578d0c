package dev.prioritynotify.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.Secret;
import dev.prioritynotify.store.SettingsRepository;
import dev.prioritynotify.webpush.VapidKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the VAPID key pair: {@code VAPID_PUBLIC_KEY} + {@code VAPID_PRIVATE_KEY} (or
 * {@code VAPID_PRIVATE_KEY_FILE}); else the pair generated on an earlier start and kept in the
 * {@code settings} table, its private key sealed with AES-GCM under a key derived from
 * {@code SECRET_KEY}; else a new pair, generated and stored now. Any problem is a
 * {@link PushUnavailable} naming the setting that fixes it: push is disabled, the server itself
 * keeps running.
 */
public final class VapidKeyStore {
    private static final Logger log = LoggerFactory.getLogger(VapidKeyStore.class);
    static final String SETTING = "vapid.keys";
    private static final byte[] KEY_INFO = "priority-notify vapid private key v1".getBytes(StandardCharsets.US_ASCII);

    private final SettingsRepository settings;
    private final ObjectMapper mapper;
    private final InstantSource clock;

    public VapidKeyStore(SettingsRepository settings, ObjectMapper mapper, InstantSource clock) {
        this.settings = settings;
        this.mapper = mapper;
        this.clock = clock;
    }

    VapidKeys load(Config.Push.Vapid vapid, Secret secretKey) throws PushUnavailable {
        if (vapid.privateKey().isPresent()) {
            try {
                return VapidKeys.parse(
                        vapid.publicKey().orElse(null), vapid.privateKey().get().value());
            } catch (IllegalArgumentException e) {
                throw new PushUnavailable(e.getMessage());
            }
        }
        if (vapid.publicKey().isPresent()) {
            throw new PushUnavailable(
                    "VAPID_PRIVATE_KEY: missing while VAPID_PUBLIC_KEY is set (or use VAPID_PRIVATE_KEY_FILE)");
        }
        Optional<String> stored = settings.get(SETTING);
        if (stored.isPresent()) {
            return open(stored.get(), secretKey);
        }
        if (!vapid.autogenerate()) {
            throw new PushUnavailable(
                    "VAPID_PRIVATE_KEY: not set and VAPID_AUTOGENERATE=false (set VAPID_PRIVATE_KEY or VAPID_PRIVATE_KEY_FILE, or allow autogeneration)");
        }
        VapidKeys generated = VapidKeys.generate();
        // Another instance may have generated a pair at the same moment: whichever was stored first wins.
        String winner = settings.putIfAbsent(SETTING, seal(generated, secretKey), clock.instant());
        log.info(
                "generated a VAPID key pair and stored it (private key encrypted); public key {}",
                generated.publicKeyBase64Url());
        return open(winner, secretKey);
    }

    private VapidKeys open(String stored, Secret secretKey) throws PushUnavailable {
        try {
            JsonNode json = mapper.readTree(stored);
            byte[] sealed =
                    Base64.getUrlDecoder().decode(json.get("private_key_sealed").asText());
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(derive(secretKey), "AES"),
                    new GCMParameterSpec(128, sealed, 0, 12));
            byte[] privateKey = cipher.doFinal(sealed, 12, sealed.length - 12);
            return VapidKeys.parse(
                    json.get("public_key").asText(),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(privateKey));
        } catch (GeneralSecurityException e) {
            throw new PushUnavailable(
                    "SECRET_KEY: cannot open the stored VAPID key (was SECRET_KEY changed? restore it, or set VAPID_PRIVATE_KEY)");
        } catch (Exception e) {
            throw new PushUnavailable("settings: the stored VAPID key is unreadable ("
                    + e.getClass().getSimpleName() + "; set VAPID_PRIVATE_KEY)");
        }
    }

    private String seal(VapidKeys keys, Secret secretKey) {
        try {
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE, new SecretKeySpec(derive(secretKey), "AES"), new GCMParameterSpec(128, nonce));
            byte[] ciphertext = cipher.doFinal(Base64.getUrlDecoder().decode(keys.privateKeyBase64Url()));
            byte[] sealed = new byte[12 + ciphertext.length];
            System.arraycopy(nonce, 0, sealed, 0, 12);
            System.arraycopy(ciphertext, 0, sealed, 12, ciphertext.length);
            return mapper.writeValueAsString(java.util.Map.of(
                    "public_key", keys.publicKeyBase64Url(),
                    "private_key_sealed",
                            Base64.getUrlEncoder().withoutPadding().encodeToString(sealed)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot seal the VAPID private key", e);
        }
    }

    /** HKDF-SHA256 (RFC 5869) of SECRET_KEY, so the sealing key is independent of any other use of the secret. */
    private static byte[] derive(Secret secretKey) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(secretKey.value().getBytes(StandardCharsets.UTF_8));
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(KEY_INFO);
        mac.update((byte) 1);
        return java.util.Arrays.copyOf(mac.doFinal(), 32);
    }
}
