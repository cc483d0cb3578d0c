package dev.prioritynotify.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the JTE templates of {@code src/main/jte}. They are compiled with the code (the Maven
 * plugin turns each into a class), so nothing is compiled at run time and a template that does
 * not type-check fails the build. Content type Html: every {@code ${...}} is escaped for where it
 * stands (element text, attribute value), so user text is never markup.
 */
public final class Pages {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    void render(Context ctx, int status, String template, Object model) {
        StringOutput out = new StringOutput();
        engine.render(template, model, out);
        ctx.status(status)
                .contentType("text/html; charset=utf-8")
                // Pages show a person's own notifications: never kept by a shared cache, and
                // revalidated after sign-out rather than shown again from history.
                .header("Cache-Control", "no-store")
                .result(out.toString());
    }
}
