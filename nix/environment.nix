# The server's environment from the options, shared by both modules. `secretPath name path` says
# where the service finds the secret file called `name` whose source is `path`: the NixOS module
# hands it over as a systemd credential, the Home-Manager module reads the user's file directly.
{ lib }:

cfg: dataDir: secretPath:

let
  secrets = lib.filterAttrs (_: s: s.path != null) {
    DATABASE_URL_FILE = {
      name = "database_url";
      path = cfg.databaseUrlFile;
    };
    VAPID_PRIVATE_KEY_FILE = {
      name = "vapid_private_key";
      path = cfg.vapidPrivateKeyFile;
    };
    SECRET_KEY_FILE = {
      name = "secret_key";
      path = cfg.secretKeyFile;
    };
    OIDC_CLIENT_SECRET_FILE = {
      name = "oidc_client_secret";
      path = cfg.oidc.clientSecretFile;
    };
  };
  plain = lib.filterAttrs (_: v: v != null) {
    DATA_DIR = dataDir;
    HOST = cfg.host;
    PORT = toString cfg.port;
    LOG_FORMAT = "json";
    BASE_URL = cfg.baseUrl;
    DATABASE_URL = cfg.databaseUrl;
    VAPID_PUBLIC_KEY = cfg.vapidPublicKey;
    VAPID_SUBJECT = cfg.vapidSubject;
    OIDC_ISSUER_URL = cfg.oidc.issuerUrl;
    OIDC_CLIENT_ID = cfg.oidc.clientId;
    OIDC_ADMIN_GROUP = cfg.oidc.adminGroup;
  };
in
{
  # The secret files: [ { name = "secret_key"; path = "/run/secrets/..."; } ... ]
  secrets = lib.attrValues secrets;
  environment = plain // lib.mapAttrs (_: s: secretPath s.name s.path) secrets // cfg.environment;
  # A secret must be an absolute path outside the store (a string option cannot take a Nix path,
  # which would be copied into the store, but a "/nix/store/..." string still could be given).
  assertions = map (s: {
    assertion = lib.hasPrefix "/" s.path && !lib.hasPrefix "${builtins.storeDir}/" s.path;
    message = "services.priority-notify: the file for ${s.name} must be an absolute path outside the Nix store, got ${s.path}";
  }) (lib.attrValues secrets);
}
