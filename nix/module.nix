# NixOS module: services.priority-notify as a hardened system service.
#
#   imports = [ /path/to/priority-notify/nix/module.nix ];
#   services.priority-notify = {
#     enable = true;
#     baseUrl = "https://notify.example.com";
#     vapidPrivateKeyFile = "/run/agenix/priority-notify-vapid";   # never a path in the Nix store
#     secretKeyFile = "/run/agenix/priority-notify-secret-key";
#   };
#
# Secret files are handed to the service as systemd credentials (LoadCredential): systemd reads
# them as root, so they can stay root-only (0400), and the service's dynamic user sees them only in
# its own credentials directory, never in its environment.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.priority-notify;
  name = "priority-notify";
  # $CREDENTIALS_DIRECTORY, spelled out rather than as %d so that no escaping of % can get in between.
  credentialsDir = "/run/credentials/${name}.service";
  settings = import ./environment.nix { inherit lib; } cfg "/var/lib/${name}" (
    secret: _path: "${credentialsDir}/${secret}"
  );
in
{
  options.services.priority-notify = import ./options.nix { inherit lib pkgs; } // {
    openFirewall = lib.mkOption {
      type = lib.types.bool;
      default = false;
      description = "Open the port in the firewall (with host set to a non-loopback address).";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = settings.assertions;

    networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall [ cfg.port ];

    environment.systemPackages = [ cfg.package ];

    systemd.services.${name} = {
      description = "priority-notify notification hub";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [
        "network-online.target"
        "postgresql.service"
      ];
      environment = settings.environment;
      serviceConfig = {
        Type = "exec";
        ExecStart = "${lib.getExe cfg.package} serve";
        EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
        LoadCredential = map (s: "${s.name}:${s.path}") settings.secrets;
        DynamicUser = true;
        StateDirectory = name;
        StateDirectoryMode = "0700";
        WorkingDirectory = "/var/lib/${name}";
        # SIGTERM lets pushes in flight finish (PUSH_SHUTDOWN_GRACE, 10 s); the JVM exits with 143.
        TimeoutStopSec = "30s";
        SuccessExitStatus = 143;
        Restart = "on-failure";
        RestartSec = "5s";
        LimitNOFILE = 65536;

        # As dist/systemd/priority-notify.service. MemoryDenyWriteExecute stays off: the JVM's JIT
        # writes machine code and runs it, and cannot start without that.
        NoNewPrivileges = true;
        CapabilityBoundingSet = "";
        AmbientCapabilities = "";
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateUsers = true;
        PrivateMounts = true;
        ProtectHostname = true;
        ProtectClock = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectProc = "invisible";
        RestrictAddressFamilies = [
          "AF_UNIX"
          "AF_INET"
          "AF_INET6"
        ];
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        RemoveIPC = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = [
          "@system-service"
          "~@privileged"
        ];
        SystemCallErrorNumber = "EPERM";
        UMask = "0077";
      };
    };
  };
}
