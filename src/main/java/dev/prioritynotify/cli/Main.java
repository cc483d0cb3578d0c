package dev.prioritynotify.cli;

import dev.prioritynotify.app.App;
import dev.prioritynotify.app.LogSetup;
import dev.prioritynotify.config.Config;
import dev.prioritynotify.config.ConfigException;
import dev.prioritynotify.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

// scope = INHERIT hands --help and --version to every subcommand, present and future: without it
// `publish --help` answered "Missing required parameter: '<title>'". CliTest walks the whole tree.
@Command(
        name = "priority-notify",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Main.BuildInfo.class,
        description = "Self-hosted notification hub. Without a command, runs the server.",
        subcommands = {
            ServeCommand.class,
            MigrateCommand.class,
            UserCommand.class,
            TokenCommand.class,
            VapidCommand.class,
            PublishCommand.class,
            BackupCommand.class,
            HealthcheckCommand.class
        })
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        return new ServeCommand().call();
    }

    /** Loads and validates the configuration once; a bad value ends the process with one line naming it. */
    static Config config() {
        Config config = Config.from(Settings.load(System.getenv(), Path.of("")));
        LogSetup.apply(config.logging());
        return config;
    }

    static App.Services services() {
        return App.services(config(), InstantSource.system());
    }

    /**
     * {@code --version}: the version and the git commit, from {@code build.properties}, which the
     * build writes beside this class (pom.xml, "build-info"); "unknown" for what it could not tell.
     */
    static final class BuildInfo implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties build = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    build.load(in);
                }
            } catch (IOException e) {
                // reported as unknown below
            }
            return new String[] {
                "priority-notify " + build.getProperty("version", "unknown") + " (commit "
                        + build.getProperty("commit", "unknown") + ")"
            };
        }
    }
}
