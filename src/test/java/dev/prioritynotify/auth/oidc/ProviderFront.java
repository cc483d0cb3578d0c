package dev.prioritynotify.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prioritynotify.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pass-through HTTP front of the mock provider, which then names the front as its issuer
 * ({@code X-Forwarded-Port}). What mock-oauth2-server cannot do itself, the front does to its
 * answers: sign the ID token with another key, and publish that key in the JWK set or not, so a
 * key rotation and a forged signature are each real; and keep the answer well-formed when the
 * ID token is made to have expired.
 */
final class ProviderFront implements AutoCloseable {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final Set<String> HOP_BY_HOP =
            Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "upgrade", "keep-alive");

    /** A key the front signs ID tokens with instead of the provider's, and whether the JWK set shows it. */
    record Resign(RSAKey key, boolean published) {}

    private final HttpServer server;
    private final URI backend;
    private final HttpClient client =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicReference<Resign> resign = new AtomicReference<>();

    private ProviderFront(URI backend) throws IOException {
        this.backend = backend;
        this.server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    static ProviderFront over(URI backend) throws IOException {
        return new ProviderFront(backend);
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/default";
    }

    /** From now on, ID tokens are signed with this key (null: the provider's own again). */
    void resign(Resign how) {
        resign.set(how);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            backend.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .header(
                            "X-Forwarded-Port",
                            Integer.toString(server.getAddress().getPort()));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = rewrite(exchange.getRequestURI().getPath(), response.body());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.equals(":status")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private byte[] rewrite(String path, byte[] body) throws Exception {
        Resign how = resign.get();
        if (body.length == 0) {
            return body;
        }
        if (path.endsWith("/token")) {
            ObjectNode tokens = (ObjectNode) MAPPER.readTree(body);
            if (tokens.path("expires_in").asLong(0) < 0) {
                // The mock derives the access token's expires_in from the ID token's exp; an expired
                // ID token would make the whole answer malformed, where a real provider's access
                // token lives on its own. Only the ID token is to be expired.
                tokens.put("expires_in", 60);
            }
            JsonNode idToken = tokens.get("id_token");
            if (idToken != null && how != null) {
                SignedJWT genuine = SignedJWT.parse(idToken.asText());
                SignedJWT forged = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(how.key().getKeyID())
                                .type(JOSEObjectType.JWT)
                                .build(),
                        genuine.getJWTClaimsSet());
                forged.sign(new RSASSASigner(how.key()));
                tokens.put("id_token", forged.serialize());
            }
            return MAPPER.writeValueAsBytes(tokens);
        }
        if (path.endsWith("/jwks") && how != null && how.published()) {
            ObjectNode set = (ObjectNode) MAPPER.readTree(body);
            ((ArrayNode) set.get("keys"))
                    .add(MAPPER.valueToTree(Map.copyOf(how.key().toPublicJWK().toJSONObject())));
            return MAPPER.writeValueAsString(set).getBytes(StandardCharsets.UTF_8);
        }
        return body;
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
