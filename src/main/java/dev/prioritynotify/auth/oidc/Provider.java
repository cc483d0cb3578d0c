package dev.prioritynotify.auth.oidc;

import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;

/**
 * The provider as discovery found it: its endpoints, how it wants this client to authenticate at
 * its token endpoint, and the validator of its ID tokens (over its JWK set, refetched when a token
 * names a key not seen yet, so a key rotation at the provider needs nothing from us).
 */
record Provider(OIDCProviderMetadata metadata, ClientAuthenticationMethod clientAuth, IDTokenValidator validator) {}
