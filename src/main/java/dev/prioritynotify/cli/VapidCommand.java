package dev.prioritynotify.cli;

import dev.prioritynotify.webpush.VapidKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "vapid", description = "VAPID keys for Web Push.", subcommands = VapidCommand.Generate.class)
final class VapidCommand {

    @Command(
            name = "generate",
            description = "Print a new key pair as VAPID_PUBLIC_KEY=… and VAPID_PRIVATE_KEY=… lines "
                    + "(base64url raw keys, the form browsers and other Web Push libraries use).")
    static final class Generate implements Callable<Integer> {
        @Override
        public Integer call() {
            VapidKeys keys = VapidKeys.generate();
            System.out.println("VAPID_PUBLIC_KEY=" + keys.publicKeyBase64Url());
            System.out.println("VAPID_PRIVATE_KEY=" + keys.privateKeyBase64Url());
            return 0;
        }
    }
}
