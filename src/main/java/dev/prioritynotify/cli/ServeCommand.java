package dev.prioritynotify.cli;

import dev.prioritynotify.app.App;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(name = "serve", description = "Run the server (the default command).")
final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        App app = App.serve(Main.config(), InstantSource.system());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
