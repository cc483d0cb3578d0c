# The options services.priority-notify has in both the NixOS module (module.nix) and the
# Home-Manager module (home-manager.nix). Secrets are given as paths to files that stay outside the
# Nix store (agenix, sops-nix, or a file made by hand): everything in the store is world-readable.
{ lib, pkgs }:

let
  inherit (lib) mkOption mkEnableOption types literalExpression;
  secretFile =
    what:
    mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/run/secrets/priority-notify-${what}";
      description = ''
        Path to a file holding the ${what}, read when the server starts. A string, not a Nix
        path, so that the secret is never copied into the world-readable Nix store.
      '';
    };
in
{
  enable = mkEnableOption "priority-notify, a self-hosted notification hub";

  package = mkOption {
    type = types.package;
    default = pkgs.callPackage ./package.nix { };
    defaultText = literalExpression "pkgs.callPackage ./nix/package.nix { }";
    description = "The priority-notify package (from its release archive, see nix/package.nix).";
  };

  host = mkOption {
    type = types.str;
    default = "127.0.0.1";
    description = "Address to listen on (HOST). The default keeps it to this machine, behind a reverse proxy.";
  };

  port = mkOption {
    type = types.port;
    default = 8000;
    description = "Port to listen on (PORT).";
  };

  baseUrl = mkOption {
    type = types.nullOr types.str;
    default = null;
    example = "https://notify.example.com";
    description = "Public URL (BASE_URL). Browsers allow Web Push only on https.";
  };

  databaseUrl = mkOption {
    type = types.nullOr types.str;
    default = null;
    example = "postgresql://priority_notify@localhost:5432/priority_notify";
    description = ''
      DATABASE_URL; SQLite in the data directory when null. One with a password belongs in
      databaseUrlFile instead.
    '';
  };

  databaseUrlFile = secretFile "database URL";

  vapidPublicKey = mkOption {
    type = types.nullOr types.str;
    default = null;
    description = ''
      VAPID_PUBLIC_KEY (base64url, as `priority-notify vapid generate` prints it); derived from
      the private key when null.
    '';
  };

  vapidPrivateKeyFile = secretFile "VAPID private key" // {
    description = ''
      Path to a file holding VAPID_PRIVATE_KEY (outside the Nix store). When null, the server
      generates a key pair on first start and keeps it, encrypted with SECRET_KEY, in its database.
    '';
  };

  vapidSubject = mkOption {
    type = types.nullOr types.str;
    default = null;
    example = "mailto:ops@example.com";
    description = "VAPID_SUBJECT, the contact push services see; BASE_URL is used when it is https.";
  };

  secretKeyFile = secretFile "SECRET_KEY" // {
    description = ''
      Path to a file holding SECRET_KEY (at least 32 characters, outside the Nix store). When
      null, one is generated into the data directory: back that directory up.
    '';
  };

  oidc = {
    issuerUrl = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "https://auth.example.com/application/o/priority-notify/";
      description = "OIDC_ISSUER_URL; setting it turns sign-in with the identity provider on.";
    };
    clientId = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "OIDC_CLIENT_ID.";
    };
    clientSecretFile = secretFile "OIDC client secret";
    adminGroup = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "OIDC_ADMIN_GROUP: members of this group are administrators.";
    };
  };

  environment = mkOption {
    type = types.attrsOf types.str;
    default = { };
    example = {
      RETENTION_DAYS = "90";
      AUTH_LOCAL_ENABLED = "true";
    };
    description = "Further settings of docs/configuration.md. Not for secrets: these land in the Nix store.";
  };

  environmentFile = mkOption {
    type = types.nullOr types.str;
    default = null;
    description = "A file of NAME=value lines (e.g. METRICS_TOKEN), read by systemd at start; outside the Nix store.";
  };
}
