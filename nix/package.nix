# priority-notify from its release archive: `./mvnw -B package` builds
# target/priority-notify-<version>.tar.gz with its own jlink-trimmed Java runtime, and its tests run
# that archive. This derivation unpacks it, points the runtime's ELF files at Nix's glibc
# (autoPatchelfHook) and wraps the launcher. It compiles nothing, so it needs no network and no
# Maven dependency hashes (buildMavenPackage would need both, and a JDK build on the Nix side).
#
#   pkgs.callPackage ./nix/package.nix { }                        # the archive in ../target
#   pkgs.callPackage ./nix/package.nix { src = ./priority-notify-0.1.0.tar.gz; version = "0.1.0"; }
#
# The runtime is built for one architecture (the one `./mvnw package` ran on): use the archive
# built on x86_64 for x86_64-linux and one built on aarch64 for aarch64-linux.
{
  lib,
  stdenv,
  autoPatchelfHook,
  makeWrapper,
  coreutils,
  gnused,
  version ? "0.1.0-SNAPSHOT",
  src ? ../target + "/priority-notify-${version}.tar.gz",
}:

stdenv.mkDerivation {
  pname = "priority-notify";
  inherit version src;

  # The runtime's libraries need only glibc (libc, libm, libdl, libpthread, librt) and each other
  # (readelf -d on the Temurin 25 libraries the runtime is linked from): no buildInputs.
  nativeBuildInputs = [
    autoPatchelfHook
    makeWrapper
  ];

  dontConfigure = true;
  dontBuild = true;
  # The runtime comes stripped by jlink; leave its files as they were tested.
  dontStrip = true;

  # unpackPhase has entered priority-notify-<version>/.
  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/priority-notify $out/bin
    cp -r . $out/share/priority-notify/
    # A wrapper rather than a symlink: the launcher finds lib/, conf/ and runtime/ beside itself.
    # It calls dirname, readlink and sed, which a systemd service's PATH need not have.
    makeWrapper $out/share/priority-notify/bin/priority-notify $out/bin/priority-notify \
      --prefix PATH : ${lib.makeBinPath [
        coreutils
        gnused
      ]}
    runHook postInstall
  '';

  meta = {
    description = "Self-hosted notification hub: API, live stream and standard Web Push";
    mainProgram = "priority-notify";
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
    sourceProvenance = [
      lib.sourceTypes.binaryBytecode
      lib.sourceTypes.binaryNativeCode
    ];
  };
}
