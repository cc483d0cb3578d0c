import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Draws the web app's PNG icons (the same bell as static/icon.svg) with Java2D:
 * {@code java tools/Icons.java src/main/resources/web/static}. The PNGs are committed; run this
 * again only when the design changes.
 */
public final class Icons {
    private static final Color INDIGO = new Color(0x4f46e5);
    private static final Color AMBER = new Color(0xf59e0b);

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : "src/main/resources/web/static");
        write(icon(192, false), new File(dir, "icon-192.png"));
        write(icon(512, false), new File(dir, "icon-512.png"));
        write(icon(512, true), new File(dir, "icon-maskable-512.png"));
        write(badge(72), new File(dir, "badge-72.png"));
    }

    /** The app icon; maskable: full-bleed background, the bell inside the central safe circle (80%). */
    private static BufferedImage icon(int size, boolean maskable) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = graphics(img);
        g.setColor(INDIGO);
        if (maskable) {
            g.fillRect(0, 0, size, size);
        } else {
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, size * 0.44, size * 0.44));
        }
        double scale = maskable ? 0.62 : 1.0;
        double offset = size * (1 - scale) / 2;
        g.translate(offset, offset);
        g.scale(size * scale / 64.0, size * scale / 64.0);
        g.setColor(Color.WHITE);
        g.fill(bell());
        g.fill(clapper());
        g.setColor(AMBER);
        g.fill(new Ellipse2D.Double(38, 10, 14, 14));
        g.setColor(INDIGO);
        g.setStroke(new BasicStroke(3f));
        g.draw(new Ellipse2D.Double(38, 10, 14, 14));
        g.dispose();
        return img;
    }

    /** The badge: a white bell on transparent; Android uses only its alpha. */
    private static BufferedImage badge(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = graphics(img);
        g.scale(size / 64.0, size / 64.0);
        g.translate(0, 2);
        g.setColor(Color.WHITE);
        g.fill(bell());
        g.fill(clapper());
        g.dispose();
        return img;
    }

    private static GeneralPath bell() {
        GeneralPath p = new GeneralPath();
        p.moveTo(32, 13);
        p.curveTo(24.3, 13, 19, 18.8, 19, 26.5);
        p.lineTo(19, 34.7);
        p.lineTo(15.5, 41);
        p.curveTo(14.7, 42.3, 15.7, 44, 17.2, 44);
        p.lineTo(46.8, 44);
        p.curveTo(48.3, 44, 49.3, 42.3, 48.5, 41);
        p.lineTo(45, 34.7);
        p.lineTo(45, 26.5);
        p.curveTo(45, 18.8, 39.7, 13, 32, 13);
        p.closePath();
        return p;
    }

    private static Arc2D clapper() {
        return new Arc2D.Double(26.5, 41.5, 11, 11, 180, 180, Arc2D.CHORD);
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    private static void write(BufferedImage img, File file) throws IOException {
        if (!ImageIO.write(img, "png", file)) {
            throw new IOException("no PNG writer");
        }
        System.out.println("wrote " + file);
    }
}
