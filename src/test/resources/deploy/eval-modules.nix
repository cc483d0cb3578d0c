# Evaluates nix/module.nix and nix/home-manager.nix with sample settings, where nixpkgs cannot be
# fetched: `lib` and `pkgs` are stand-ins for the few functions the modules call, written with
# nixpkgs' meaning. This checks the modules' own logic (the environment, credentials, assertions
# and unit settings they produce); it does NOT check option types or how the module system merges
# definitions, nor that nixpkgs' real functions behave as these stand-ins do. NixTest reads the JSON.
{ nixDir, storeSecret ? false }:

let
  lib = rec {
    mkOption = attrs: attrs // { _type = "option"; };
    mkEnableOption = name: mkOption {
      type = types.bool;
      default = false;
      description = "Whether to enable ${name}.";
    };
    literalExpression = text: {
      _type = "literalExpression";
      inherit text;
    };
    mkIf = condition: content: {
      _type = "if";
      inherit condition content;
    };
    types = {
      str = "str";
      bool = "bool";
      port = "port";
      package = "package";
      nullOr = t: "nullOr ${t}";
      attrsOf = t: "attrsOf ${t}";
    };
    filterAttrs =
      pred: set:
      builtins.listToAttrs (
        builtins.concatMap (
          n: if pred n set.${n} then [ { name = n; value = set.${n}; } ] else [ ]
        ) (builtins.attrNames set)
      );
    mapAttrs = builtins.mapAttrs;
    mapAttrsToList = f: set: map (n: f n set.${n}) (builtins.attrNames set);
    attrValues = builtins.attrValues;
    hasPrefix = prefix: s: builtins.substring 0 (builtins.stringLength prefix) s == prefix;
    replaceStrings = builtins.replaceStrings;
    getExe = pkg: "${pkg}/bin/${pkg.meta.mainProgram}";
  };

  package = {
    outPath = "/nix/store/00000000000000000000000000000000-priority-notify-0.1.0";
    meta.mainProgram = "priority-notify";
  };
  pkgs = {
    callPackage = _path: _args: package;
  };

  isOption = v: builtins.isAttrs v && (v._type or null) == "option";
  defaultsOf =
    options: builtins.mapAttrs (_: o: if isOption o then o.default or null else defaultsOf o) options;
  update =
    base: over:
    base
    // builtins.mapAttrs (
      n: v: if builtins.isAttrs v && builtins.isAttrs (base.${n} or null) then update base.${n} v else v
    ) over;
  # mkIf false disappears, mkIf true is its content, as the module system does with them.
  resolve =
    v:
    if builtins.isAttrs v && (v._type or null) == "if" then
      (if v.condition then resolve v.content else null)
    else if builtins.isAttrs v && !(v ? outPath) then
      lib.filterAttrs (_: x: x != null) (builtins.mapAttrs (_: resolve) v)
    else if builtins.isList v then
      map resolve v
    else
      v;

  evaluate =
    file: settings:
    let
      module = import file {
        inherit lib pkgs;
        config = {
          services.priority-notify = update (defaultsOf module.options.services.priority-notify) settings;
          xdg.dataHome = "/home/alice/.local/share";
        };
      };
    in
    resolve module.config;

  secret = if storeSecret then "/nix/store/11111111111111111111111111111111-key" else "/run/secrets/vapid";
  sample = {
    enable = true;
    baseUrl = "https://notify.example.com";
    vapidPrivateKeyFile = secret;
    secretKeyFile = "/run/secrets/secret-key";
    oidc = {
      issuerUrl = "https://auth.example.com/application/o/priority-notify/";
      clientId = "priority-notify";
      clientSecretFile = "/run/secrets/oidc";
    };
    environment.RETENTION_DAYS = "90";
  };
  # package.nix with stand-ins for its inputs: mkDerivation returns what it is given.
  packaged = import (nixDir + "/package.nix") {
    lib = {
      makeBinPath = ps: builtins.concatStringsSep ":" (map (p: "${p}/bin") ps);
      sourceTypes = {
        binaryBytecode = "binaryBytecode";
        binaryNativeCode = "binaryNativeCode";
      };
    };
    stdenv.mkDerivation = attrs: attrs;
    autoPatchelfHook = "autoPatchelfHook";
    makeWrapper = "makeWrapper";
    coreutils = "/nix/store/22222222222222222222222222222222-coreutils";
    gnused = "/nix/store/33333333333333333333333333333333-gnused";
  };
in
{
  # The archive need not exist to evaluate: only its name is shown (a path would be copied).
  package = builtins.removeAttrs packaged [ "src" ] // {
    srcName = baseNameOf packaged.src;
  };
  nixos = evaluate (nixDir + "/module.nix") sample;
  homeManager = evaluate (nixDir + "/home-manager.nix") (sample // {
    vapidPrivateKeyFile = "/home/alice/.config/priority-notify/vapid 100%";
  });
  disabled = evaluate (nixDir + "/module.nix") { };
}
