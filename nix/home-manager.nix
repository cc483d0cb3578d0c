# Home-Manager module: services.priority-notify as a systemd user service, for one person's own
# notification hub on their machine.
#
#   imports = [ /path/to/priority-notify/nix/home-manager.nix ];
#   services.priority-notify = {
#     enable = true;
#     vapidSubject = "mailto:me@example.com";
#     vapidPrivateKeyFile = "${config.xdg.configHome}/priority-notify/vapid_private_key";
#   };
#
# Secret files are read straight from the paths given: they belong to the user the service runs as
# anyway (keep them 0600), and user services have no root to hand them over as credentials.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.priority-notify;
  settings = import ./environment.nix { inherit lib; } cfg cfg.dataDir (_secret: path: path);
  # systemd reads Environment="NAME=value": quote it, and double % so that no value is a specifier.
  assignment =
    name: value: "\"${name}=${lib.replaceStrings [ "\\" "\"" "%" ] [ "\\\\" "\\\"" "%%" ] value}\"";
in
{
  options.services.priority-notify = import ./options.nix { inherit lib pkgs; } // {
    dataDir = lib.mkOption {
      type = lib.types.str;
      default = "${config.xdg.dataHome}/priority-notify";
      defaultText = lib.literalExpression ''"''${config.xdg.dataHome}/priority-notify"'';
      description = "DATA_DIR: SQLite, the generated secret_key and initial-admin-password.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = settings.assertions;

    home.packages = [ cfg.package ];

    systemd.user.services.priority-notify = {
      Unit = {
        Description = "priority-notify notification hub";
        After = [ "network-online.target" ];
      };
      Service = {
        Type = "exec";
        # The server makes DATA_DIR itself (0700 under this umask).
        ExecStart = "${lib.getExe cfg.package} serve";
        Environment = lib.mapAttrsToList assignment settings.environment;
        EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
        TimeoutStopSec = "30s";
        SuccessExitStatus = 143;
        Restart = "on-failure";
        RestartSec = "5s";
        NoNewPrivileges = true;
        PrivateTmp = true;
        LockPersonality = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        SystemCallArchitectures = "native";
        UMask = "0077";
      };
      Install.WantedBy = [ "default.target" ];
    };
  };
}
