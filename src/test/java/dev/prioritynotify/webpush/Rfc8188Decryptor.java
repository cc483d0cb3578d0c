package dev.prioritynotify.webpush;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiving side of the {@code aes128gcm} content coding (RFC 8188), for tests only: any
 * number of records, padding, strict checks of delimiters. Written apart from the production
 * encryptor (own HKDF, JDK providers only) so the two do not share mistakes.
 */
final class Rfc8188Decryptor {

    /** RFC 8188 §2.1. */
    record Header(byte[] salt, int recordSize, byte[] keyId, int length) {
        static Header parse(byte[] body) {
            if (body.length < 21) {
                throw new IllegalArgumentException("body shorter than the 21-byte header");
            }
            ByteBuffer buffer = ByteBuffer.wrap(body);
            byte[] salt = new byte[16];
            buffer.get(salt);
            int recordSize = buffer.getInt();
            int idLength = buffer.get() & 0xff;
            byte[] keyId = new byte[idLength];
            buffer.get(keyId);
            return new Header(salt, recordSize, keyId, buffer.position());
        }
    }

    private Rfc8188Decryptor() {}

    /** Decrypts {@code body} whose input keying material is {@code ikm}. */
    static byte[] decrypt(byte[] body, byte[] ikm) throws GeneralSecurityException {
        Header header = Header.parse(body);
        if (header.recordSize() < 18) {
            throw new IllegalArgumentException("rs " + header.recordSize() + " below 18");
        }
        byte[] prk = hmac(header.salt(), ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat(ascii("Content-Encoding: aes128gcm\0"), new byte[] {1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat(ascii("Content-Encoding: nonce\0"), new byte[] {1})), 12);

        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Security.getProvider("SunJCE"));
        ByteBuffer plaintext = ByteBuffer.allocate(body.length);
        int offset = header.length();
        long sequence = 0;
        while (offset < body.length) {
            int end = Math.min(offset + header.recordSize(), body.length);
            boolean last = end == body.length;
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(cek, "AES"),
                    new GCMParameterSpec(128, recordNonce(nonce, sequence)));
            byte[] padded = cipher.doFinal(body, offset, end - offset);
            int delimiter = padded.length - 1;
            while (delimiter >= 0 && padded[delimiter] == 0) {
                delimiter--;
            }
            if (delimiter < 0) {
                throw new IllegalArgumentException("record " + sequence + " has no delimiter");
            }
            int expected = last ? 2 : 1;
            if (padded[delimiter] != expected) {
                throw new IllegalArgumentException(
                        "record " + sequence + " delimiter is " + padded[delimiter] + ", expected " + expected);
            }
            plaintext.put(padded, 0, delimiter);
            offset = end;
            sequence++;
        }
        return Arrays.copyOf(plaintext.array(), plaintext.position());
    }

    /** RFC 8188 §2.3: the 96-bit nonce XOR the record sequence number. */
    private static byte[] recordNonce(byte[] nonce, long sequence) {
        byte[] result = nonce.clone();
        for (int i = 0; i < 8; i++) {
            result[11 - i] ^= (byte) (sequence >>> (8 * i));
        }
        return result;
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256", Security.getProvider("SunJCE"));
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }
}
