package dev.prioritynotify.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.prioritynotify.store.Dialect;

/**
 * The map of the code: which package may use which. A change that crosses a line drawn here
 * fails the build; when a new package or room is added, it gets its rule here. README's Layout
 * section says the same in prose.
 */
@AnalyzeClasses(packages = "dev.prioritynotify", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "dev.prioritynotify";
    /** The features: each owns its tables, SQL, service and routes. */
    private static final String[] FEATURES = {
        ROOT + ".account..",
        ROOT + ".admin..",
        ROOT + ".auth..",
        ROOT + ".integration..",
        ROOT + ".notification..",
        ROOT + ".push..",
        ROOT + ".stream..",
        ROOT + ".token..",
        ROOT + ".user..",
        ROOT + ".web..",
        ROOT + ".webpush.."
    };

    private static ArchRule dependsOnNothingOfTheProjectOutside(String pkg) {
        return dependsOnlyOn(pkg);
    }

    /** Classes of {@code pkg} use nothing of the project but {@code pkg} itself and {@code allowed}. */
    private static ArchRule dependsOnlyOn(String pkg, String... allowed) {
        String[] packages = new String[allowed.length + 1];
        packages[0] = ROOT + pkg + "..";
        for (int i = 0; i < allowed.length; i++) {
            packages[i + 1] = ROOT + allowed[i] + "..";
        }
        return noClasses()
                .that()
                .resideInAPackage(ROOT + pkg + "..")
                .should()
                .dependOnClassesThat(resideInAPackage(ROOT + "..").and(resideOutsideOfPackages(packages)));
    }

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule webPushProtocolIsALeaf = dependsOnNothingOfTheProjectOutside(".webpush")
            .because("RFC 8291/8292 and P-256 are a library of their own: pure, no I/O, usable without the server");

    @ArchTest
    static final ArchRule configDependsOnNothingOfTheProject = dependsOnNothingOfTheProjectOutside(".config");

    @ArchTest
    static final ArchRule httpDependsOnNothingOfTheProject = dependsOnNothingOfTheProjectOutside(".http");

    @ArchTest
    static final ArchRule usersStandOnStorageAlone = dependsOnlyOn(".user", ".store", ".config")
            .because("sign-in and tokens build on users; users know nothing of them");

    @ArchTest
    static final ArchRule oidcSignInStandsOnSessionsUsersAndStorage = dependsOnlyOn(
                    ".auth.oidc", ".auth", ".user", ".store", ".config", ".http")
            .because("signing in with a provider ends in a user (user) and a session (auth), nothing else");

    @ArchTest
    static final ArchRule sessionsKnowNothingOfTheProvider = noClasses()
            .that()
            .resideInAPackage(ROOT + ".auth")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".auth.oidc..")
            .because("logout reaches the provider through a hook LoginRoutes declares (SignOutElsewhere)");

    @ArchTest
    static final ArchRule tokensStandOnStorageAlone = dependsOnlyOn(".token", ".store", ".config");

    @ArchTest
    static final ArchRule accountManagementStandsOnWhatItManages = dependsOnlyOn(
                    ".account", ".auth", ".token", ".user", ".http", ".config")
            .because("a person's own tokens and password, over HTTP: above auth, which builds on token");

    @ArchTest
    static final ArchRule userAdministrationStandsOnWhatItManages = dependsOnlyOn(".admin", ".auth", ".user", ".http")
            .because("administrators manage users and their sign-ins; nothing of notifications or push");

    @ArchTest
    static final ArchRule nothingButTheCompositionRootUsesTheAccountAndAdminRoutes = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT + ".app..", ROOT + ".account..", ROOT + ".admin..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT + ".account..", ROOT + ".admin..");

    @ArchTest
    static final ArchRule integrationsTranslateIntoNotificationsAndNothingElse = dependsOnlyOn(
                    ".integration", ".notification", ".auth", ".token", ".http", ".config")
            .because(
                    "Alertmanager, Gotify and ntfy formats become notifications through the Publisher the"
                            + " integration package declares; who is calling is auth's; storage, streams and push are not theirs");

    @ArchTest
    static final ArchRule nothingButTheCompositionRootUsesTheIntegrations = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT + ".app..", ROOT + ".integration..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".integration..");

    @ArchTest
    static final ArchRule theWebAppReadsThroughWhatItDeclares = noClasses()
            .that()
            .resideInAPackage(ROOT + ".web..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    ROOT + ".store..",
                    ROOT + ".push..",
                    ROOT + ".webpush..",
                    ROOT + ".stream..",
                    ROOT + ".token..",
                    ROOT + ".app..",
                    ROOT + ".cli..")
            .because("pages read through interfaces the web package declares (Inbox, StreamPosition), "
                    + "and change things through the JSON API like any client");

    @ArchTest
    static final ArchRule nothingButTheCompositionRootKnowsTheWebApp = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT + ".web..", ROOT + ".app..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".web..");

    @ArchTest
    static final ArchRule storeDependsOnNoFeature = noClasses()
            .that()
            .resideInAPackage(ROOT + ".store..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(FEATURES)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT + ".app..", ROOT + ".cli..", ROOT + ".http..");

    @ArchTest
    static final ArchRule notificationsKnowNothingOfWhoListens = noClasses()
            .that()
            .resideInAPackage(ROOT + ".notification..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    ROOT + ".push..", ROOT + ".webpush..", ROOT + ".stream..", ROOT + ".app..", ROOT + ".cli..")
            .because("streams and pushes register as the notification service's listeners (NotificationListener)");

    @ArchTest
    static final ArchRule devicesKnowNothingOfDelivery = noClasses()
            .that()
            .resideInAPackage(ROOT + ".push.subscription..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT + ".push.delivery..", ROOT + ".push");

    @ArchTest
    static final ArchRule deliveryKnowsNothingOfTheFeatureAbove = noClasses()
            .that()
            .resideInAPackage(ROOT + ".push.delivery..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".push");

    @ArchTest
    static final ArchRule pushesCarryActionTokensWithoutKnowingHowTheyAreMade = noClasses()
            .that()
            .resideInAPackage(ROOT + ".push..")
            .should()
            .dependOnClassesThat()
            .haveNameMatching(java.util.regex.Pattern.quote(ROOT + ".notification.ActionTokens") + "(\\$.*)?")
            .because("a push only carries the capability, through the ReadTokens interface push.delivery declares; "
                    + "signing and checking stay with the notification feature");

    @ArchTest
    static final ArchRule onlyTheCompositionRootAndTheCliKnowTheApp = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT + ".app..", ROOT + ".cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".app..");

    @ArchTest
    static final ArchRule routesNeverTouchRepositories = noClasses()
            .that()
            .haveSimpleNameEndingWith("Routes")
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Repository")
            .because(
                    "handlers parse, authorise and answer; what they need they ask a service or an interface they declare");

    @ArchTest
    static final ArchRule routesKnowNoJdbi = noClasses()
            .that()
            .haveSimpleNameEndingWith("Routes")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.jdbi..");

    @ArchTest
    static final ArchRule interfacesBetweenFeaturesSpeakOfTransactionsNotJdbi = noClasses()
            .that()
            .areInterfaces()
            .and()
            .arePublic()
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.jdbi..")
            .because("a feature that writes in another's transaction gets a store.Transaction (NotificationListener)");

    @ArchTest
    static final ArchRule onlyTheStoreAsksWhichDatabaseItIs = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT + ".store..", ROOT + ".config..", ROOT + ".app..")
            .should()
            .accessField(Dialect.class, "POSTGRESQL")
            .orShould()
            .accessField(Dialect.class, "SQLITE")
            .because(
                    "repositories ask Dialect about a difference (locksRows, skipLocked, conversions), never which it is");
}
